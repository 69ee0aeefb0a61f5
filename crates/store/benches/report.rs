//! Annual-report generation among many requests, against the bare aggregate query as the floor.
//!
//! ```sh
//! cargo bench -p gongkai-store --bench report                       # 500 agencies, 1,000,000 requests
//! cargo bench -p gongkai-store --bench report -- --requests 100000 --rounds 5 --backend sqlite
//! ```
//!
//! The synthetic data (`gongkai_store::synthetic`, the generator behind `gongkai seed-synthetic`)
//! is seeded once per size and kept: SQLite under `target/bench-data/`, PostgreSQL in a database
//! `gongkai_bench_<agencies>_<requests>` on `GONGKAI_BENCH_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). PostgreSQL is skipped, with a note, when no
//! server answers.
//!
//! For each backend and scope (the busiest agency, a median agency, all agencies) it times, over
//! `--rounds` runs after two warm-up runs:
//! - **floor**: the table-2 query alone (`request_groups_sql`, the text the store runs), fetched
//!   over a pool of its own;
//! - **report**: the whole report as `gongkai report --format json` builds it (every table, the
//!   starter sections, the consistency rules, serialised to JSON — what the report API returns).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gongkai_domain::report::{CheckContext, check};
use gongkai_store::{KeySource, Location, Store, reporting, synthetic};
use sqlx::Row;

struct Args {
    agencies: usize,
    requests: usize,
    rounds: usize,
    year: i32,
    sqlite: bool,
    postgres: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        agencies: 500,
        requests: 1_000_000,
        rounds: 10,
        year: 2024,
        sqlite: true,
        postgres: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        let number = |name: &str, v: String| -> Result<usize, String> {
            v.parse()
                .map_err(|_| format!("{name} must be a whole number, got '{v}'"))
        };
        match flag.as_str() {
            "--agencies" => args.agencies = number("--agencies", value("--agencies")?)?,
            "--requests" => args.requests = number("--requests", value("--requests")?)?,
            "--rounds" => args.rounds = number("--rounds", value("--rounds")?)?.max(1),
            "--year" => args.year = number("--year", value("--year")?)? as i32,
            "--backend" => match value("--backend")?.as_str() {
                "sqlite" => args.postgres = false,
                "postgres" => args.sqlite = false,
                "both" => {}
                other => {
                    return Err(format!(
                        "--backend must be sqlite|postgres|both, got '{other}'"
                    ));
                }
            },
            // cargo bench passes `--bench`; ignore it and any filter.
            _ => {}
        }
    }
    if args.agencies < 2 {
        return Err("--agencies must be at least 2".into());
    }
    Ok(args)
}

fn bench_dir() -> PathBuf {
    std::env::var_os("GONGKAI_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data")
        })
}

/// Median and minimum of `rounds` timed runs after two warm-ups.
async fn time<F, Fut, T>(rounds: usize, mut f: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    for _ in 0..2 {
        std::hint::black_box(f().await);
    }
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        std::hint::black_box(f().await);
        samples.push(started.elapsed());
    }
    samples.sort();
    (samples[samples.len() / 2], samples[0])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn seed(store: &dyn Store, args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut last = Instant::now();
    synthetic::seed(store, args.agencies, args.requests, 20261127, |n| {
        if last.elapsed() > Duration::from_secs(15) {
            eprintln!("  seeded {n} of {} requests", args.requests);
            last = Instant::now();
        }
    })
    .await?;
    eprintln!(
        "  seeded {} agencies and {} requests in {:.1} s",
        args.agencies,
        args.requests,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The same code on either pool (their types differ).
macro_rules! on_pool {
    ($raw:expr, |$pool:ident| $body:expr) => {
        match $raw {
            Raw::Sqlite($pool) => $body,
            Raw::Postgres($pool) => $body,
        }
    };
}

/// A raw pool beside the store, for the floor query.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    /// The floor: the aggregate query alone; returns the number of requests it counted.
    async fn groups(&self, agency: Option<i64>, year: i32) -> anyhow::Result<i64> {
        let start = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
        let end = chrono::NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
        let counts: Vec<i64> = on_pool!(self, |pool| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(gongkai_store::request_groups_sql(
                agency.is_some(),
            )))
            .bind(start)
            .bind(end);
            if let Some(id) = agency {
                q = q.bind(id);
            }
            let rows = q.fetch_all(pool).await?;
            rows.iter().map(|r| r.get::<i64, _>(3)).collect()
        });
        Ok(counts.iter().sum())
    }

    async fn execute(&self, sql: &'static str) -> anyhow::Result<()> {
        on_pool!(self, |pool| sqlx::query(sql)
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    async fn count(&self, sql: &'static str) -> anyhow::Result<i64> {
        Ok(on_pool!(self, |pool| sqlx::query(sql)
            .fetch_one(pool)
            .await?
            .get(0)))
    }
}

async fn open_sqlite(args: &Args) -> anyhow::Result<(std::sync::Arc<dyn Store>, Raw)> {
    let dir = bench_dir().join(format!("sqlite-{}x{}", args.agencies, args.requests));
    let marker = dir.join("seeded");
    if !marker.exists() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        eprintln!("seeding SQLite in {} (once)", dir.display());
        let store = gongkai_store::open(
            &Location::Dir(dir.clone()),
            &KeySource::File(dir.join("pii.key")),
        )
        .await?;
        seed(store.as_ref(), args).await?;
        drop(store);
        std::fs::write(&marker, b"")?;
    }
    let store = gongkai_store::open(
        &Location::Dir(dir.clone()),
        &KeySource::File(dir.join("pii.key")),
    )
    .await?;
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(dir.join("gongkai.sqlite3"))
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal),
        )
        .await?;
    let raw = Raw::Sqlite(pool);
    raw.execute("ANALYZE").await?;
    Ok((store, raw))
}

async fn open_postgres(args: &Args) -> anyhow::Result<Option<(std::sync::Arc<dyn Store>, Raw)>> {
    let base = std::env::var("GONGKAI_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = match sqlx::PgPool::connect(&base).await {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("PostgreSQL skipped: cannot connect to {base}: {e}");
            return Ok(None);
        }
    };
    let name = format!("gongkai_bench_{}_{}", args.agencies, args.requests);
    let url = match base.rfind('/') {
        Some(i) => format!("{}/{name}", &base[..i]),
        None => anyhow::bail!("GONGKAI_BENCH_PG_URL has no database part: {base}"),
    };
    let key_file = bench_dir().join(format!("{name}.pii.key"));
    std::fs::create_dir_all(bench_dir())?;
    let location = Location::Postgres { url: url.clone() };
    let key = KeySource::File(key_file);
    let exists: bool = sqlx::query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&name)
        .fetch_one(&admin)
        .await?
        .get(0);
    let seeded = if exists {
        let store = gongkai_store::open(&location, &key).await?;
        let raw = Raw::Postgres(sqlx::PgPool::connect(&url).await?);
        let n = raw.count("SELECT COUNT(*) FROM requests").await?;
        drop(store);
        n == args.requests as i64
    } else {
        false
    };
    if !seeded {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&admin)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await?;
        eprintln!("seeding PostgreSQL database {name} (once)");
        let store = gongkai_store::open(&location, &key).await?;
        seed(store.as_ref(), args).await?;
    }
    let store = gongkai_store::open(&location, &key).await?;
    let raw = Raw::Postgres(
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(16)
            .connect(&url)
            .await?,
    );
    raw.execute("VACUUM ANALYZE").await?;
    Ok(Some((store, raw)))
}

async fn measure(backend: &str, store: &dyn Store, raw: &Raw, args: &Args) -> anyhow::Result<()> {
    let busiest = store
        .agency("synthetic-0001")
        .await?
        .ok_or_else(|| anyhow::anyhow!("synthetic-0001 missing: reseed"))?;
    let median_slug = format!("synthetic-{:04}", args.agencies / 2);
    let median = store
        .agency(&median_slug)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{median_slug} missing: reseed"))?;
    let year = args.year;
    for (scope, agency) in [
        ("busiest agency", Some(&busiest)),
        ("median agency", Some(&median)),
        ("all agencies", None),
    ] {
        let id = agency.map(|a| a.id);
        let in_scope = raw.groups(id, year).await?;
        let (floor, floor_min) = time(args.rounds, || raw.groups(id, year)).await;
        let (report, report_min) = time(args.rounds, || async {
            let mut report = match agency {
                Some(a) => reporting::generate(store, a, year).await,
                None => reporting::generate_aggregate(store, "全部机关", year).await,
            }
            .expect("report");
            report.findings = Some(check(&report, &CheckContext::default()));
            serde_json::to_vec(&report).expect("json")
        })
        .await;
        if std::env::var_os("GONGKAI_BENCH_BREAKDOWN").is_some() {
            let (g, _) = time(args.rounds, || store.request_groups(id, year)).await;
            let (r, _) = time(args.rounds, || store.report_registers(id, year)).await;
            eprintln!(
                "  {backend} {scope}: request_groups {}, report_registers {}",
                ms(g),
                ms(r)
            );
        }
        println!(
            "| {backend} | {scope} | {in_scope} | {} (min {}) | {} (min {}) | {:.2}× |",
            ms(floor),
            ms(floor_min),
            ms(report),
            ms(report_min),
            report.as_secs_f64() / floor.as_secs_f64()
        );
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = parse_args().map_err(anyhow::Error::msg)?;
    println!(
        "{} agencies, {} requests, year {}, median of {} rounds",
        args.agencies, args.requests, args.year, args.rounds
    );
    println!(
        "| backend | scope | requests in the year's table | floor: aggregate query | report (JSON) | report / floor |"
    );
    println!("|---|---|---|---|---|---|");
    if args.sqlite {
        let (store, raw) = open_sqlite(&args).await?;
        measure("SQLite", store.as_ref(), &raw, &args).await?;
    }
    if args.postgres
        && let Some((store, raw)) = open_postgres(&args).await?
    {
        measure("PostgreSQL", store.as_ref(), &raw, &args).await?;
    }
    Ok(())
}
