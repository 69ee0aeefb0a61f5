//! The `gongkai` binary as a user runs it: the deadline command, the demo, calendar import, the
//! audit-log check, and requests that survive `kill -9` of the server.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

const BIN: &str = env!("CARGO_BIN_EXE_gongkai");

fn gongkai(args: &[&str], env: &[(&str, &str)]) -> Result<Output> {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("GONGKAI_DATABASE_URL")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    Ok(cmd.output()?)
}

/// Runs `gongkai` with the words of `line` as its arguments (none of them contains a space).
fn gk(line: &str) -> Result<Output> {
    gongkai(&line.split_whitespace().collect::<Vec<_>>(), &[])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn deadline_prints_the_due_date_first_then_every_day() -> Result<()> {
    let o = gongkai(&["deadline", "--received", "2024-09-27"], &[])?;
    assert!(o.status.success());
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "2024-10-30");
    assert!(out.contains("2024-09-29 Sun counted, day 1 (调休 make-up working day for 国庆节)"));
    assert!(out.contains("2024-10-01 Tue skipped: public holiday 国庆节"));
    assert!(out.contains("20 days counted, 13 days skipped"));

    let o = gk("deadline --received 2024-09-27 --paused 2024-10-08..2024-10-10 --extended")?;
    let out = stdout(&o);
    assert_eq!(out.lines().next(), Some("2024-11-29"));
    assert!(out.contains("2024-10-09 Wed skipped: consultation pause since 2024-10-08"));

    let o = gk("deadline --received 2019-05-14 --corrected 2019-05-20")?;
    let out = stdout(&o);
    assert!(out.contains("rule: 15 working days (2007年条例第二十四条)"));
    assert!(out.contains("count starts after 2019-05-20"));

    let o = gongkai(&["deadline", "--received", "2026-12-24"], &[])?;
    assert!(stdout(&o).contains("PROVISIONAL"));

    for bad in [
        ["--received", "2024-02-30"],
        ["--received", "2007-12-31"],
        ["--received", "soon"],
    ] {
        let o = gongkai(&["deadline", bad[0], bad[1]], &[])?;
        assert!(!o.status.success(), "{bad:?} must fail");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("--received"),
            "the error names the argument"
        );
    }
    Ok(())
}

#[test]
fn demo_is_idempotent_and_the_audit_log_verifies() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    let first = gongkai(&["demo", "--data", data], &[])?;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout(&first).contains("15 requests of 2020"));
    // One login per role, each with a password generated now and printed once.
    let printed = stdout(&first);
    let logins: Vec<&str> = printed
        .lines()
        .filter(|l| l.split('\t').count() == 3 && !l.starts_with("login\t"))
        .map(|l| l.split('\t').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        logins,
        [
            "office",
            "handler",
            "head",
            "supervisor",
            "sysadmin",
            "secadmin",
            "auditor"
        ]
    );
    let second = gongkai(&["demo", "--data", data], &[])?;
    assert!(stdout(&second).contains("already present"));
    let verify = gongkai(&["audit-log", "verify", "--data", data], &[])?;
    assert!(verify.status.success());
    // agency + its settings + 5 departments + 15 × (received, answered) + 2 review cases + 16
    // table-1 statistics + the sections + 7 demo logins
    assert_eq!(
        stdout(&verify).trim(),
        "OK 63 entries, 15 requests, 30 events"
    );
    Ok(())
}

/// The demo agency's 公开指南 and disclosure home show the settings its published report states
/// (the office, its disclosure rules) — and nothing the report does not say.
#[tokio::test]
async fn the_demo_guide_shows_the_agencys_settings() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let o = gongkai(
        &["demo", "--data", dir.path().to_str().context("utf-8 path")?],
        &[],
    )?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let server = start_server(dir.path(), &[]).await?;
    let get = |path: &str| {
        let url = format!("{}{path}", server.base);
        async move {
            let r = reqwest::get(url).await?;
            anyhow::ensure!(r.status() == reqwest::StatusCode::OK, "{}", r.status());
            Ok::<_, anyhow::Error>(r.text().await?)
        }
    };
    let guide = get("/fuxin-zrzyj/guide").await?;
    for shown in [
        "<dt>政府信息公开工作机构</dt><dd>阜新市自然资源局公开办</dd>",
        "主办单位：阜新市自然资源局",
    ] {
        assert!(guide.contains(shown), "{shown} in {guide}");
    }
    // No phone, address or hours the report does not give.
    for absent in [
        "<dt>咨询电话</dt>",
        "<dt>办公地址</dt>",
        "<dt>办公时间</dt>",
    ] {
        assert!(!guide.contains(absent), "{absent} in {guide}");
    }
    let home = get("/fuxin-zrzyj/").await?;
    assert!(home.contains("政府信息公开制度"), "{home}");
    assert!(
        home.contains("《阜新市自然资源局政府信息公开工作制度（试行）》"),
        "{home}"
    );
    Ok(())
}

#[test]
fn calendar_import_recomputes_open_deadlines() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    let o = gk(&format!(
        "agency create --slug kill-test --name 某局 --data {}",
        data
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file = dir.path().join("2027.json");
    // A notice holding one holiday is refused, naming what it leaves out.
    std::fs::write(
        &file,
        r#"{"years": {"2027": {"off": [{"date": "2027-01-01", "holiday": "元旦"}], "workday": []}}}"#,
    )?;
    let o = gk(&format!(
        "calendar import {} --data {}",
        file.to_str().context("path")?,
        data
    ))?;
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("schedule.years.2027") && err.contains("春节 2027-02-05"),
        "{err}"
    );
    std::fs::write(&file, notice_2027(&[]))?;
    let o = gk(&format!(
        "calendar import {} --data {}",
        file.to_str().context("path")?,
        data
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("imported [2027]"));
    let o = gongkai(
        &["deadline", "--received", "2026-12-24", "--data", data],
        &[],
    )?;
    assert!(!stdout(&o).contains("PROVISIONAL"), "2027 is known now");
    std::fs::write(&file, "{\"years\": 5}")?;
    let o = gk(&format!(
        "calendar import {} --data {}",
        file.to_str().context("path")?,
        data
    ))?;
    assert!(!o.status.success());
    Ok(())
}

/// A running `gongkai serve`.
struct Server {
    child: tokio::process::Child,
    base: String,
}

async fn start_server(data: &Path, env: &[(String, String)]) -> Result<Server> {
    let mut cmd = tokio::process::Command::new(BIN);
    // No rate limits: the clients file from one address as fast as they can.
    cmd.args([
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--filing-limit",
        "0",
        "--tracking-limit",
        "0",
        "--data",
    ])
    .arg(data)
    .env_remove("GONGKAI_DATABASE_URL")
    .env("RUST_LOG", "warn")
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit())
    .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn()?;
    let out = child.stdout.take().context("stdout")?;
    let mut lines = BufReader::new(out).lines();
    let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await??
        .context("server printed nothing")?;
    let addr = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .context("no address printed")?;
    Ok(Server {
        child,
        base: addr.to_string(),
    })
}

fn filing(i: usize) -> Value {
    json!({
        "applicant": {"kind": "natural_person", "name": format!("申请人{i}"), "id_number": "11010519491231002X", "phone": "13800138000", "email": "a@example.cn"},
        "description": format!("第{i}件申请"),
        "delivery": "email"
    })
}

async fn acknowledged_requests_survive_kill_9(env: Vec<(String, String)>) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?.to_string();
    let mut setup = vec![
        "agency",
        "create",
        "--slug",
        "kill-test",
        "--name",
        "某局",
        "--data",
        &data,
    ];
    let env_ref: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let o = gongkai(&setup, &env_ref)?;
    if !o.status.success() {
        bail!("setup failed: {}", String::from_utf8_lossy(&o.stderr));
    }
    setup.clear();
    let mut server = start_server(dir.path(), &env).await?;
    let http = reqwest::Client::new();
    // Four clients file requests as fast as they can; the server is killed while they do.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, String)>();
    let mut clients = Vec::new();
    for c in 0..4 {
        let (http, base, tx) = (http.clone(), server.base.clone(), tx.clone());
        clients.push(tokio::spawn(async move {
            for i in 0..10_000 {
                let r = http
                    .post(format!("{base}/api/v1/agencies/kill-test/requests"))
                    .json(&filing(c * 10_000 + i))
                    .send()
                    .await;
                let Ok(r) = r else { return };
                if r.status() != reqwest::StatusCode::CREATED {
                    return;
                }
                let Ok(v) = r.json::<Value>().await else {
                    return;
                };
                let ack = (
                    v["number"].as_str().unwrap_or_default().to_string(),
                    v["query_code"].as_str().unwrap_or_default().to_string(),
                );
                if tx.send(ack).is_err() {
                    return;
                }
            }
        }));
    }
    drop(tx);
    let mut acked = Vec::new();
    while acked.len() < 40 {
        match tokio::time::timeout(Duration::from_secs(60), rx.recv()).await? {
            Some(a) => acked.push(a),
            None => bail!("clients stopped before 40 acknowledgements"),
        }
    }
    server.child.start_kill()?; // SIGKILL
    server.child.wait().await?;
    for c in clients {
        c.await?;
    }
    while let Ok(a) = rx.try_recv() {
        acked.push(a);
    }
    let server = start_server(dir.path(), &env).await?;
    for (number, code) in &acked {
        let r = http
            .get(format!(
                "{}/api/v1/requests/{number}?query_code={code}",
                server.base
            ))
            .send()
            .await?;
        assert_eq!(
            r.status(),
            reqwest::StatusCode::OK,
            "acknowledged {number} was lost"
        );
    }
    let o = gongkai(&["audit-log", "verify", "--data", &data], &env_ref)?;
    assert!(
        o.status.success(),
        "audit chain intact after kill -9: {}",
        stdout(&o)
    );
    Ok(())
}

#[tokio::test]
async fn acknowledged_requests_survive_kill_9_on_sqlite() -> Result<()> {
    acknowledged_requests_survive_kill_9(vec![]).await
}

#[tokio::test]
async fn acknowledged_requests_survive_kill_9_on_postgres() -> Result<()> {
    if std::env::var(gongkai_store::testing::PG_ENV).is_err() {
        eprintln!("note: PostgreSQL not configured; skipped");
        return Ok(());
    }
    let url = gongkai_store::testing::fresh_pg_database().await?;
    acknowledged_requests_survive_kill_9(vec![("GONGKAI_DATABASE_URL".into(), url)]).await
}

#[test]
fn the_demo_regenerates_the_published_2020_report() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    assert!(gongkai(&["demo", "--data", data], &[])?.status.success());
    let o = gk(&format!(
        "report --data {} --agency fuxin-zrzyj --year 2020 --format json",
        data
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "",
        "the demo's 2020 report breaks no rule"
    );
    let mut generated: Value = serde_json::from_slice(&o.stdout)?;
    assert!(
        generated["sections"]["overview"]
            .as_str()
            .unwrap_or_default()
            .contains("全年共受理政府信息公开申请15件")
    );
    generated
        .as_object_mut()
        .context("object")?
        .remove("sections");
    let expected: Value = serde_json::from_str(include_str!(
        "../../../fixtures/reports/fuxin-zrzyj-2020.expected.json"
    ))?;
    assert_eq!(generated, expected, "every figure of the published report");

    for (format, check) in [
        ("md", "（七）总计"),
        ("html", "<table"),
        ("docx", "PK"),
        ("pdf", "%PDF"),
    ] {
        let out = dir.path().join(format!("report.{format}"));
        let o = gk(&format!(
            "report --data {} --agency fuxin-zrzyj --year 2020 --format {} -o {}",
            data,
            format,
            out.to_str().context("path")?
        ))?;
        assert!(
            o.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let bytes = std::fs::read(&out)?;
        assert!(
            String::from_utf8_lossy(&bytes).contains(check),
            "{format} output looks like {format}"
        );
        // The published file audits back to the same figures, with no error.
        let o = gongkai(&["audit", "--json", out.to_str().context("path")?], &[])?;
        assert_eq!(
            o.status.code(),
            Some(0),
            "audit of {format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let mut audited: Value = serde_json::from_slice(&o.stdout)?;
        let audited = audited.as_object_mut().context("object")?;
        audited.remove("sections");
        audited.remove("findings");
        // How each cell was read: the auditor's part beside the canonical keys.
        let reading = audited.remove("reading").context("reading")?;
        assert!(
            reading
                .as_object()
                .context("reading is an object")?
                .values()
                .all(|r| r == "label" || r == "position"),
            "{format}: every cell of a rendered report is read from its place"
        );
        assert_eq!(
            Value::Object(audited.clone()),
            expected,
            "{format} audits back to the report"
        );
    }

    let o = gk(&format!(
        "report --data {} --agency nowhere --year 2020",
        data
    ))?;
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no agency 'nowhere'"));
    let o = gk(&format!(
        "report --data {} --agency fuxin-zrzyj --year 2007",
        data
    ))?;
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("before 2008"));
    let o = gk(&format!(
        "report --data {} --agency fuxin-zrzyj --year 2020 --format xls",
        data
    ))?;
    assert!(!o.status.success());
    Ok(())
}

#[test]
fn statistics_import_validates_every_line_first() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    assert!(
        gongkai(
            &[
                "agency", "create", "--slug", "stats", "--name", "某局", "--data", data
            ],
            &[]
        )?
        .status
        .success()
    );
    let csv = dir.path().join("stats.csv");
    std::fs::write(
        &csv,
        "key,value,source\nlicensing.decisions,120,行政审批系统\npenalty.decisions,-3,执法平台\n",
    )?;
    let o = gk(&format!(
        "stats import {} --agency stats --year 2024 --data {}",
        csv.to_str().context("path")?,
        data
    ))?;
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("line 3"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(
        &csv,
        "key,value,source\nlicensing.decisions,120,行政审批系统\nfees.amount_wan_yuan,12.5,\"财政非税系统, 2024\"\n",
    )?;
    let o = gk(&format!(
        "stats import {} --agency stats --year 2024 --data {}",
        csv.to_str().context("path")?,
        data
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = gk(&format!(
        "report --data {} --agency stats --year 2024",
        data
    ))?;
    let report: Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(report["proactive"]["licensing"]["decisions"], 120);
    assert_eq!(report["proactive"]["fees"]["amount_wan_yuan"], 12.5);
    assert!(report["proactive"]["penalty"]["decisions"].is_null());
    Ok(())
}

#[test]
fn seed_synthetic_creates_agencies_and_requests_that_report_consistently() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    let o = gk(&format!(
        "seed-synthetic --data {} --agencies 5 --requests 3000",
        data
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("seeded 5 agencies and 3000 requests"));
    let mut total_new = 0;
    for year in [2022, 2023, 2024, 2025] {
        let o = gk(&format!(
            "report --data {} --agency all --year {}",
            data, year
        ))?;
        let report: Value = serde_json::from_slice(&o.stdout)?;
        total_new += report["requests"]["new"][6].as_i64().context("new")?;
        // Consistent by construction: no rule fails; the aggregate has no table-1 figures of
        // other systems, which the generator says (B1) on stderr.
        let told = String::from_utf8_lossy(&o.stderr);
        assert!(!told.contains("error:"), "{told}");
        assert!(told.contains("warning: B1"), "{told}");
        if year > 2022 {
            assert!(
                report["requests"]["carried_over"][6]
                    .as_i64()
                    .context("carried over")?
                    > 0,
                "requests span year ends"
            );
        }
    }
    assert_eq!(total_new, 3000);
    assert!(
        gongkai(&["audit-log", "verify", "--data", data], &[])?
            .status
            .success()
    );
    Ok(())
}

#[test]
fn audit_reads_a_published_report_and_exits_by_its_findings() -> Result<()> {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/reports/fuxin-zrzyj-2020.txt"
    );
    let o = gongkai(&["audit", "--json", fixture], &[])?;
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let audited: Value = serde_json::from_slice(&o.stdout)?;
    let expected: Value = serde_json::from_str(include_str!(
        "../../../fixtures/reports/fuxin-zrzyj-2020.expected.json"
    ))?;
    for key in [
        "agency",
        "year",
        "format",
        "proactive",
        "requests",
        "review",
    ] {
        assert_eq!(audited[key], expected[key], "{key}");
    }

    // A tampered copy (one cell of table 2 changed) fails an R-rule: exit 1.
    let dir = tempfile::tempdir()?;
    let text = std::fs::read_to_string(fixture)?;
    let readable = gongkai(&["audit", fixture], &[])?;
    assert!(
        stdout(&readable).contains("阜新市自然资源局"),
        "{}",
        stdout(&readable)
    );
    let tampered = text.replacen("（一）予以公开\t13\t2", "（一）予以公开\t14\t2", 1);
    assert_ne!(tampered, text, "the fixture has the row");
    let path = dir.path().join("tampered.txt");
    std::fs::write(&path, tampered)?;
    let o = gongkai(&["audit", "--json", path.to_str().context("path")?], &[])?;
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let findings: Value = serde_json::from_slice(&o.stdout)?;
    assert!(
        findings["findings"]
            .as_array()
            .context("findings")?
            .iter()
            .any(|f| f["severity"] == "error"),
        "{findings}"
    );

    // Not a report, from stdin: exit 2 and a one-line reason.
    let mut child = Command::new(BIN)
        .args(["audit", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().context("stdin")?;
        stdin.write_all("这是一封普通的来信，没有任何表格。\n".as_bytes())?;
    }
    let o = child.wait_with_output()?;
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let o = gongkai(&["audit", "/nonexistent/report.pdf"], &[])?;
    assert_eq!(o.status.code(), Some(2));
    Ok(())
}

/// A 2027 notice giving every statutory holiday off, and `extra` days too.
fn notice_2027(extra: &[&str]) -> String {
    let mut off: Vec<Value> = gongkai_domain::calendar::statutory_holidays(2027)
        .iter()
        .map(|h| json!({"date": h.date, "holiday": h.holiday}))
        .collect();
    off.extend(extra.iter().map(|e| json!({"date": e, "holiday": "元旦"})));
    json!({"years": {"2027": {"off": off, "workday": []}}}).to_string()
}

#[tokio::test]
async fn a_calendar_import_on_the_command_line_reaches_the_running_server() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    // With the directory cache off the server sees the import at its next read (by default
    // within `directory_cache_ms`, 2 s: crates/app/tests/directory.rs).
    let no_cache = [("GONGKAI_DIRECTORY_CACHE_MS".to_string(), "0".to_string())];
    let server = start_server(dir.path(), &no_cache).await?;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/deadline?received=2026-12-24", server.base);
    let v: Value = http.get(&url).send().await?.json().await?;
    assert_eq!(
        v["due_on"], "2027-01-22",
        "Mon-Fri minus the statutory 元旦: {v}"
    );
    assert_eq!(v["provisional"], true);
    let file = dir.path().join("2027.json");
    std::fs::write(&file, notice_2027(&["2027-01-04"]))?;
    let o = gk(&format!(
        "calendar import {} --data {data}",
        file.to_str().context("path")?
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = http.get(&url).send().await?.json().await?;
    assert_eq!(
        v["due_on"], "2027-01-25",
        "the server uses the import at once: {v}"
    );
    assert_eq!(v["provisional"], false);
    let o = gongkai(
        &["deadline", "--received", "2026-12-24", "--data", data],
        &[],
    )?;
    assert_eq!(stdout(&o).lines().next(), Some("2027-01-25"));
    Ok(())
}

#[tokio::test]
async fn tokens_are_listed_and_revoked_from_the_command_line() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    let o = gk(&format!(
        "agency create --slug tok-test --name 某局 --data {data}"
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = gk(&format!(
        "token create --name 经办人 --role staff --agency tok-test --days 30 --data {data}"
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let token = stdout(&o).trim().to_string();
    assert!(token.starts_with("gk_"), "{token}");
    let o = gk(&format!(
        "token create --name 值班 --role admin --days 0 --data {data}"
    ))?;
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--days"));

    let o = gk(&format!("token list --data {data}"))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(!out.contains(&token), "the list never shows a token");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "id\tname\trole\tagency\tcreated\texpires\tstatus");
    let cols: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(
        (cols[0], cols[1], cols[2], cols[3], cols[6]),
        ("1", "经办人", "office", "tok-test", "active")
    );
    let created = chrono::DateTime::parse_from_rfc3339(cols[4])?;
    let expires = chrono::DateTime::parse_from_rfc3339(cols[5])?;
    assert_eq!(expires - created, chrono::Duration::days(30));

    let server = start_server(dir.path(), &[]).await?;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/staff/agencies/tok-test/requests", server.base);
    let status = |token: String| {
        let (http, url) = (http.clone(), url.clone());
        async move { anyhow::Ok(http.get(url).bearer_auth(token).send().await?.status()) }
    };
    assert_eq!(status(token.clone()).await?, reqwest::StatusCode::OK);
    let o = gk(&format!("token revoke 1 --data {data}"))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("revoked token 1"));
    assert_eq!(
        status(token.clone()).await?,
        reqwest::StatusCode::UNAUTHORIZED,
        "revoked on the command line, refused by the running server at once"
    );
    let o = gk(&format!("token revoke 1 --data {data}"))?;
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("already revoked"));
    let o = gk(&format!("token revoke 7 --data {data}"))?;
    assert!(!o.status.success());
    let o = gk(&format!("token list --data {data}"))?;
    assert!(
        stdout(&o)
            .lines()
            .nth(1)
            .unwrap_or_default()
            .contains("\trevoked "),
        "{}",
        stdout(&o)
    );
    let o = gongkai(&["audit-log", "verify", "--data", data], &[])?;
    assert!(o.status.success(), "{}", stdout(&o));
    Ok(())
}

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

/// The statutory holidays of 2027 (`shared/spec/statutory-holidays.json`): an import of 2027
/// must hold every one of them.
const STATUTORY_2027: [&str; 13] = [
    "2027-01-01",
    "2027-02-05",
    "2027-02-06",
    "2027-02-07",
    "2027-02-08",
    "2027-04-05",
    "2027-05-01",
    "2027-05-02",
    "2027-06-09",
    "2027-09-15",
    "2027-10-01",
    "2027-10-02",
    "2027-10-03",
];

#[test]
fn the_example_files_of_the_readme_import() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    let holidays = format!("{EXAMPLES}/holidays-2027.json");
    let schedule: Value = serde_json::from_str(&std::fs::read_to_string(&holidays)?)?;
    let off: Vec<&str> = schedule["years"]["2027"]["off"]
        .as_array()
        .context("off days")?
        .iter()
        .filter_map(|d| d["date"].as_str())
        .collect();
    for day in STATUTORY_2027 {
        assert!(off.contains(&day), "the example keeps the statutory {day}");
    }
    let o = gongkai(&["calendar", "import", &holidays, "--data", data], &[])?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("imported [2027]"), "{}", stdout(&o));
    let o = gongkai(
        &["deadline", "--received", "2027-01-29", "--data", data],
        &[],
    )?;
    assert!(
        stdout(&o).contains("2027-02-09 Tue skipped"),
        "{}",
        stdout(&o)
    );

    let o = gongkai(&["demo", "--data", data], &[])?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let figures = format!("{EXAMPLES}/figures.csv");
    let o = gongkai(
        &[
            "stats",
            "import",
            &figures,
            "--agency",
            "fuxin-zrzyj",
            "--year",
            "2020",
            "--data",
            data,
        ],
        &[],
    )?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("imported 16 figures"), "{}", stdout(&o));
    Ok(())
}

/// Runs `gongkai` with its standard output a pipe whose reader is already closed.
fn into_closed_pipe(args: &[&str]) -> Result<Output> {
    let (reader, writer) = std::io::pipe()?;
    drop(reader);
    Ok(Command::new(BIN)
        .args(args)
        .env_remove("GONGKAI_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()?)
}

fn quietly_ended(o: &Output) -> bool {
    use std::os::unix::process::ExitStatusExt;
    o.status.success() || o.status.signal() == Some(libc::SIGPIPE)
}

#[test]
fn a_closed_pipe_ends_a_command_quietly() -> Result<()> {
    // `gongkai deadline … | head`: a panic ("Broken pipe", exit 101) before.
    let o = into_closed_pipe(&["deadline", "--received", "2024-09-27"])?;
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(quietly_ended(&o), "{:?}: {err}", o.status);
    assert!(!err.contains("panicked"), "{err}");
    let o = into_closed_pipe(&["--help"])?;
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
    // The auditor handles its closed output itself: its own exit code, nothing on stderr.
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reports");
    let o = into_closed_pipe(&["audit", "--csv", fixtures])?;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    Ok(())
}

/// A pseudo-terminal: (master, slave).
fn pty() -> Result<(std::fs::File, std::fs::File)> {
    use std::os::fd::FromRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    // SAFETY: plain calls on a descriptor this function owns; the name buffer is NUL-terminated
    // by ptsname_r.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        if master < 0 {
            bail!("posix_openpt: {}", std::io::Error::last_os_error());
        }
        let master_file = std::fs::File::from_raw_fd(master);
        if libc::grantpt(master) != 0 || libc::unlockpt(master) != 0 {
            bail!("grantpt/unlockpt: {}", std::io::Error::last_os_error());
        }
        let mut name = [0 as libc::c_char; 128];
        if libc::ptsname_r(master, name.as_mut_ptr(), name.len()) != 0 {
            bail!("ptsname_r: {}", std::io::Error::last_os_error());
        }
        let path = std::ffi::CStr::from_ptr(name.as_ptr()).to_str()?.to_owned();
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(path)?;
        Ok((master_file, slave))
    }
}

#[test]
fn a_binary_report_is_not_written_to_a_terminal() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    let o = gk(&format!(
        "agency create --slug tty --name 某局 --data {data}"
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = |format: &str| {
        let mut cmd = Command::new(BIN);
        cmd.args([
            "report", "--data", data, "--agency", "tty", "--year", "2024",
        ])
        .args(["--format", format])
        .env_remove("GONGKAI_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped());
        cmd
    };
    for format in ["pdf", "docx"] {
        let (mut master, slave) = pty()?;
        let mut cmd = report(format);
        cmd.stdout(slave);
        let child = cmd.spawn()?;
        drop(cmd);
        // Drain the terminal, so that a child writing to it is never blocked.
        let drained = std::thread::spawn(move || {
            let mut seen = Vec::new();
            let _ = std::io::Read::read_to_end(&mut master, &mut seen);
            seen.len()
        });
        let o = child.wait_with_output()?;
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !o.status.success(),
            "{format} to a terminal must be refused"
        );
        assert!(err.contains("-o FILE"), "{err}");
        assert_eq!(
            drained.join().ok(),
            Some(0),
            "nothing written to the terminal"
        );
    }
    // Into a pipe it is written as before.
    let o = report("pdf").output()?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.starts_with(b"%PDF"));
    Ok(())
}

#[test]
fn users_are_added_listed_reset_and_disabled() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("utf-8 path")?;
    let o = gk(&format!(
        "agency create --slug acc-test --name 某局 --data {data}"
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = gk(&format!(
        "user add --data {data} --agency acc-test --login li.ming --role office"
    ))?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let password = stdout(&o).trim().to_string();
    assert!(
        password.chars().count() >= 12,
        "generated and printed once: {password}"
    );
    let o = gk(&format!(
        "user add --data {data} --agency acc-test --login wang.fang --role staff"
    ))?;
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("deprecated"),
        "staff is an alias of office, with a note"
    );
    let o = gk(&format!(
        "user add --data {data} --login auditor --role auditor"
    ))?;
    assert!(
        o.status.success(),
        "the operator gives the administrator roles"
    );
    let o = gk(&format!(
        "user add --data {data} --login x.y --role handler --agency acc-test"
    ))?;
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("department"));

    let o = gk(&format!("user reset-password li.ming --data {data}"))?;
    assert!(o.status.success());
    assert_ne!(stdout(&o).trim(), password, "a new password");
    let o = gk(&format!("user disable li.ming --data {data}"))?;
    assert!(o.status.success());
    let o = gk(&format!("user list --data {data}"))?;
    let out = stdout(&o);
    assert!(!out.contains(&password));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "id\tlogin\tname\trole\tagency\ttotp\tstatus");
    assert_eq!(
        lines[1],
        "1\tli.ming\tli.ming\toffice\tacc-test\tno\tdisabled"
    );
    assert_eq!(
        lines[2],
        "2\twang.fang\twang.fang\toffice\tacc-test\tno\tactive"
    );
    assert_eq!(lines[3], "3\tauditor\tauditor\tauditor\t-\tno\tactive");
    Ok(())
}
