//! `gongkai` — the command line: serve, demo data, the statutory clock, calendar import, the
//! audit log, tokens and agencies, annual reports (generate from records; audit published ones).

mod agency;
mod audit;
mod audit_log;
mod demo;
mod ops;
mod output;
mod serve;
mod settings;
mod token;
mod user;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use gongkai_domain::calendar::{ScheduleFile, parse_date};
use gongkai_domain::deadline::{DeadlineQuestion, Pause};
use gongkai_store::{Actor, NewAgency, Store};

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "政府信息公开 — government information disclosure"
)]
struct Cli {
    /// A TOML configuration file (bind, data, database_url, pii_key_file, [limits]); the
    /// GONGKAI_* environment overrides it and flags override both.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DataArg {
    /// Data directory (SQLite database and the personal-data key). With
    /// GONGKAI_DATABASE_URL=postgres://… the database is PostgreSQL and DIR keeps only the key.
    #[arg(long = "data", value_name = "DIR", env = "GONGKAI_DATA")]
    dir: Option<PathBuf>,
}

impl DataArg {
    /// The directory: the flag (or GONGKAI_DATA), else the settings' `data`, else `data`.
    fn path(&self) -> PathBuf {
        settings::get().data_dir(self.dir.as_deref())
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (and, later, the portal).
    Serve {
        #[command(flatten)]
        data: DataArg,
        /// Address to listen on (port 0 picks a free port; the address is printed); default
        /// the settings' `bind` / GONGKAI_BIND, else 127.0.0.1:8080.
        #[arg(long)]
        bind: Option<SocketAddr>,
        #[command(flatten)]
        limits: serve::LimitArgs,
    },
    /// Create the demo agency fuxin-zrzyj (阜新市自然资源局) and its 2020 records (idempotent).
    Demo {
        #[command(flatten)]
        data: DataArg,
    },
    /// Compute an answer deadline and explain every day (Art. 30-33; 2007 rule before 2019-05-15).
    Deadline {
        /// Day of receipt (Art. 31), YYYY-MM-DD; it is not counted.
        #[arg(long)]
        received: String,
        /// Day the corrected request arrived (补正, Art. 30): the count restarts from it.
        #[arg(long)]
        corrected: Option<String>,
        /// Consultation pause FROM..TO (letter sent on FROM, answer received on TO); repeatable.
        #[arg(long, value_name = "FROM..TO")]
        paused: Vec<String>,
        /// The one extension (Art. 33): adds the same number of working days once.
        #[arg(long)]
        extended: bool,
        /// Also use holiday notices imported into this data directory.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// The holiday calendar.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// The hash-chained audit log.
    AuditLog {
        #[command(subcommand)]
        command: audit_log::AuditLogCommand,
    },
    /// API tokens for staff and administrators.
    Token {
        #[command(subcommand)]
        command: token::TokenCommand,
    },
    /// Staff accounts of the back office (/admin/login).
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Agencies of this deployment.
    Agency {
        #[command(subcommand)]
        command: AgencyCommand,
    },
    /// The annual report (政府信息公开工作年度报告) generated from the records.
    Report {
        #[command(flatten)]
        data: DataArg,
        /// Agency slug, or `all` for the sum over every agency.
        #[arg(long)]
        agency: String,
        #[arg(long)]
        year: i32,
        /// json, md, html, docx or pdf.
        #[arg(long, default_value = "json")]
        format: String,
        /// Output file (default: standard output).
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
    /// The yearly statistics register (table 1 figures from other systems).
    Stats {
        #[command(subcommand)]
        command: StatsCommand,
    },
    /// Audit published annual reports (text, HTML, DOCX, PDF): extract their tables into the
    /// canonical JSON and report every broken consistency rule. Exit 0 = consistent, 1 = an
    /// error-level rule fails, 2 = unreadable or not an annual report.
    Audit(audit::AuditCommand),
    /// The PII key (the key that seals ID-card numbers and phones).
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Write a consistent copy of the database to a new file (0600) while it may be in use.
    /// The PII key is not in it.
    Backup {
        #[command(flatten)]
        data: DataArg,
        /// The backup file to create (refused if it exists).
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Restore a backup into a data directory without a database (or an empty PostgreSQL
    /// database) and verify it. Exit 0 = ready; 2 = restored but the PII key at hand is
    /// missing or does not match; 1 = nothing restored.
    Restore {
        #[command(flatten)]
        data: DataArg,
        /// A file written by `gongkai backup`.
        file: PathBuf,
        /// Restore over an existing SQLite database, kept as gongkai.sqlite3.before-restore-<time>.
        #[arg(long)]
        force: bool,
    },
    /// Create synthetic agencies and requests (benchmarks, load tests).
    SeedSynthetic {
        #[command(flatten)]
        data: DataArg,
        #[arg(long, default_value_t = 500)]
        agencies: usize,
        #[arg(long, default_value_t = 1_000_000)]
        requests: usize,
        /// Random seed (the same seed gives the same data).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Re-seal all personal data under a new key (the current key is needed); installs it as
    /// pii.key, or prints it once when GONGKAI_PII_KEY is set.
    Rotate {
        #[command(flatten)]
        data: DataArg,
    },
}

#[derive(Subcommand)]
enum StatsCommand {
    /// Set one figure.
    Set {
        #[arg(long)]
        agency: String,
        #[arg(long)]
        year: i32,
        /// e.g. licensing.decisions, penalty.change, procurement.amount_wan_yuan, fees.amount_wan_yuan.
        #[arg(long)]
        key: String,
        #[arg(long, allow_negative_numbers = true)]
        value: f64,
        /// Where the figure comes from (e.g. 行政审批系统).
        #[arg(long)]
        source: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// Import figures from a CSV file with the columns key,value,source.
    Import {
        file: PathBuf,
        #[arg(long)]
        agency: String,
        #[arg(long)]
        year: i32,
        #[command(flatten)]
        data: DataArg,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Load a year's schedule (the format of holidays-cn.json) and recompute open deadlines.
    Import {
        file: PathBuf,
        #[command(flatten)]
        data: DataArg,
    },
}

#[derive(Subcommand)]
enum AgencyCommand {
    /// Create an agency.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// A people's government (annual report due 31 March).
        #[arg(long)]
        government: bool,
        /// Departments (repeatable).
        #[arg(long = "department")]
        departments: Vec<String>,
        #[command(flatten)]
        data: DataArg,
    },
    /// List agencies.
    List {
        #[command(flatten)]
        data: DataArg,
    },
    #[command(flatten)]
    Settings(agency::SettingsCommand),
}

/// `key,value,source` lines (a header line is allowed); every line is checked before any is stored.
fn parse_statistics_csv(text: &str) -> Result<Vec<gongkai_store::Statistic>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || (i == 0 && line.starts_with("key")) {
            continue;
        }
        let mut parts = line.splitn(3, ',');
        let (Some(key), Some(value), Some(source)) = (parts.next(), parts.next(), parts.next())
        else {
            bail!("line {}: expected key,value,source", i + 1);
        };
        let value: f64 = value.trim().parse().map_err(|_| {
            anyhow::anyhow!("line {}: value '{}' is not a number", i + 1, value.trim())
        })?;
        let key = key.trim().to_string();
        gongkai_domain::report::StatisticKey::check(&key, value)
            .map_err(|e| anyhow::anyhow!("line {}: {e}", i + 1))?;
        out.push(gongkai_store::Statistic {
            key,
            value,
            source: source.trim().trim_matches('"').to_string(),
        });
    }
    Ok(out)
}

async fn open_store(data: &Path) -> Result<std::sync::Arc<dyn Store>> {
    ops::open_store(data).await
}

/// The application layer over the data in `data`: the use cases the API calls, so the command
/// line obeys the same rules (as the deployment's operator, [`Actor::system`]).
async fn open_app(data: &Path) -> Result<gongkai_app::App> {
    Ok(gongkai_app::App::new(
        open_store(data).await?,
        std::sync::Arc::new(gongkai_domain::clock::ChinaClock),
    ))
}

/// The agency an `--agency` argument names, or an error naming the argument.
async fn agency_arg(app: &gongkai_app::App, slug: &str) -> Result<gongkai_store::Agency> {
    match app.agency(slug).await {
        Err(gongkai_app::AppError::NotFound(_)) => bail!("--agency: no agency '{slug}'"),
        found => Ok(found?),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The one place the environment and the configuration file are read.
    match settings::Settings::load(cli.config.as_deref(), std::env::vars()) {
        Ok(s) => settings::install(s),
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    }
    if !matches!(cli.command, Command::Serve { .. } | Command::Audit(_)) {
        output::default_sigpipe();
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal: a log file or journal gets plain lines.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Audit(args) => {
            // Pure text processing: no data directory; its own exit codes (0, 1, 2).
            return Ok(ExitCode::from(u8::try_from(audit::run(args)).unwrap_or(2)));
        }
        Command::Key {
            command: KeyCommand::Rotate { data },
        } => return ops::key_rotate(&data.path()).await,
        Command::Backup { data, output } => return ops::backup(&data.path(), &output).await,
        Command::Restore { data, file, force } => {
            return ops::restore(&data.path(), &file, force).await;
        }
        Command::Serve { data, bind, limits } => {
            let settings = settings::get();
            let bind = bind
                .or(settings.bind)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
            let limits = limits.limits(&settings.limits);
            let store = open_store(&data.path()).await?;
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on {bind}"))?;
            let addr = listener.local_addr()?;
            println!(
                "gongkai listening on http://{addr} (data: {}, store: {})",
                data.path().display(),
                store.backend()
            );
            let state = gongkai_web::AppState::new(store)
                .with_directory_ttl(settings.directory_ttl())
                .behind_tls(settings.behind_tls);
            gongkai_web::serve(listener, state, limits).await?;
        }
        Command::Demo { data } => {
            let store = open_store(&data.path()).await?;
            let fresh = store.agency(demo::SLUG).await?.is_none();
            let summary = demo::create(store.as_ref()).await?;
            println!("{summary}");
            if fresh {
                let app = gongkai_app::App::new(
                    store,
                    std::sync::Arc::new(gongkai_domain::clock::ChinaClock),
                );
                println!(
                    "demo logins for /admin/login (passwords shown once; head and administrators enrol TOTP at first login):"
                );
                println!("login\trole\tpassword");
                for line in demo::users(&app).await? {
                    println!("{line}");
                }
            }
        }
        Command::Deadline {
            received,
            corrected,
            paused,
            extended,
            data,
        } => {
            let question = DeadlineQuestion {
                received: parse_date("--received", &received)?,
                corrected: corrected
                    .as_deref()
                    .map(|c| parse_date("--corrected", c))
                    .transpose()?,
                pauses: paused
                    .iter()
                    .map(|p| Pause::parse(p).map_err(|e| anyhow::anyhow!("--paused {e}")))
                    .collect::<Result<_>>()?,
                extended,
            };
            let deadline = match data {
                Some(dir) => open_app(&dir).await?.deadline(&question).await?,
                None => question.answer(&gongkai_domain::calendar::Calendar::embedded())?,
            };
            match deadline.due_on {
                Some(due) => println!("{due}"),
                None => println!("paused"),
            }
            for line in deadline.explain() {
                println!("{line}");
            }
        }
        Command::Calendar {
            command: CalendarCommand::Import { file, data },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let schedule = ScheduleFile::parse(&text)?;
            let app = open_app(&data.path()).await?;
            let summary = app.import_calendar(schedule, &Actor::system()).await?;
            println!(
                "imported {:?}; {} open requests recomputed, {} deadlines changed",
                summary.years, summary.recomputed, summary.changed
            );
        }
        Command::AuditLog { command } => return audit_log::run(command).await,
        Command::Token { command } => token::run(command).await?,
        Command::User { command } => user::run(command).await?,
        Command::Agency {
            command:
                AgencyCommand::Create {
                    slug,
                    name,
                    government,
                    departments,
                    data,
                },
        } => {
            let app = open_app(&data.path()).await?;
            let new = NewAgency {
                slug,
                name,
                is_government: government,
            };
            let agency = app
                .create_agency(new, &departments, &Actor::system())
                .await?;
            println!("created {} ({})", agency.slug, agency.name);
        }
        Command::Report {
            data,
            agency,
            year,
            format,
            output,
        } => {
            let format: gongkai_render::OutputFormat = format
                .parse()
                .map_err(|e| anyhow::anyhow!("--format: {e}"))?;
            if output.is_none() {
                output::check_destination(
                    format,
                    std::io::IsTerminal::is_terminal(&std::io::stdout()),
                )?;
            }
            let store = open_store(&data.path()).await?;
            let report = if agency == "all" {
                gongkai_store::reporting::generate_aggregate(store.as_ref(), "全部机关", year)
                    .await?
            } else {
                let a = store
                    .agency(&agency)
                    .await?
                    .with_context(|| format!("--agency: no agency '{agency}'"))?;
                gongkai_store::reporting::generate(store.as_ref(), &a, year).await?
            };
            // The same rules as the auditor; the report is written either way, the findings
            // are told on stderr (B1: table-1 figures not yet entered, for instance).
            let findings = gongkai_domain::report::check(
                &report,
                &gongkai_domain::report::CheckContext::default(),
            );
            for f in &findings {
                let level = match f.severity {
                    gongkai_domain::report::Severity::Error => "error",
                    gongkai_domain::report::Severity::Warning => "warning",
                };
                eprintln!("{level}: {} at {}: {}", f.rule, f.location, f.message);
            }
            let bytes = gongkai_render::render(&report, format)?;
            match output {
                Some(path) => std::fs::write(&path, bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
        }
        Command::Stats {
            command:
                StatsCommand::Set {
                    agency,
                    year,
                    key,
                    value,
                    source,
                    data,
                },
        } => {
            let app = open_app(&data.path()).await?;
            let a = agency_arg(&app, &agency).await?;
            app.set_statistic(
                &a.slug,
                year,
                gongkai_store::Statistic { key, value, source },
                &Actor::system(),
            )
            .await?;
        }
        Command::Stats {
            command:
                StatsCommand::Import {
                    file,
                    agency,
                    year,
                    data,
                },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let stats = parse_statistics_csv(&text)?;
            let app = open_app(&data.path()).await?;
            let a = agency_arg(&app, &agency).await?;
            let n = stats.len();
            for stat in stats {
                app.set_statistic(&a.slug, year, stat, &Actor::system())
                    .await?;
            }
            println!("imported {n} figures for {agency} {year}");
        }
        Command::SeedSynthetic {
            data,
            agencies,
            requests,
            seed,
        } => {
            if agencies == 0 || agencies > 100_000 {
                bail!("--agencies must be 1..=100000");
            }
            let store = open_store(&data.path()).await?;
            let bar = indicatif::ProgressBar::new(requests as u64);
            if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            }
            let started = std::time::Instant::now();
            gongkai_store::synthetic::seed(store.as_ref(), agencies, requests, seed, |n| {
                bar.set_position(n)
            })
            .await?;
            bar.finish_and_clear();
            println!(
                "seeded {agencies} agencies and {requests} requests in {:.1}s",
                started.elapsed().as_secs_f64()
            );
        }
        Command::Agency {
            command: AgencyCommand::Settings(command),
        } => agency::run(command).await?,
        Command::Agency {
            command: AgencyCommand::List { data },
        } => {
            for a in open_app(&data.path()).await?.agencies().await? {
                println!("{}\t{}", a.slug, a.name);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
