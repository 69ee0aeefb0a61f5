//! The case ledger inside the audit chain (issue 8, items 2–4), on every backend: append-only
//! tables refuse UPDATE, DELETE, TRUNCATE and INSERT OR REPLACE; with the triggers dropped by an
//! attacker with database access, verify still names every changed, removed or inserted row and
//! every projection that disagrees; a tampered published file is refused; signed checkpoints
//! catch a truncated or rewritten tail.

use std::sync::Arc;

use anyhow::{Result, ensure};
use chrono::NaiveDate;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::request::{Channel, Event};
use gongkai_store::audit::entry_hash_with;
use gongkai_store::checkpoint::{self, CheckpointKey};
use gongkai_store::testing::{Backend, TestStore, fresh, new_request};
use gongkai_store::{Actor, Role, Store, VerifyReport, reporting};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn staff(agency_id: i64) -> Actor {
    Actor {
        name: "张三".into(),
        role: Role::Office,
        agency_id: Some(agency_id),
        department_id: None,
        supervised: Vec::new(),
    }
}

/// Direct access to the database, as an attacker (or a careless operator) has it: SQLite
/// connections here have recursive_triggers off, as in the `sqlite3` shell.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

impl Raw {
    async fn connect(ts: &TestStore, backend: Backend) -> Result<Raw> {
        Ok(match backend {
            Backend::Sqlite => {
                Raw::Sqlite(sqlx::SqlitePool::connect(&format!("sqlite://{}", ts.url)).await?)
            }
            Backend::Postgres => Raw::Pg(sqlx::PgPool::connect(&ts.url).await?),
        })
    }
    async fn exec(&self, sql: &str) -> Result<u64, sqlx::Error> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match self {
            Raw::Sqlite(p) => Ok(sqlx::raw_sql(sql).execute(p).await?.rows_affected()),
            Raw::Pg(p) => Ok(sqlx::raw_sql(sql).execute(p).await?.rows_affected()),
        }
    }
    /// Drops the append-only triggers of the ledger and the report files.
    async fn drop_triggers(&self) -> Result<()> {
        match self {
            Raw::Sqlite(_) => {
                for t in [
                    "request_events_no_update",
                    "request_events_no_delete",
                    "request_events_no_replace",
                    "report_files_frozen",
                    "report_files_kept",
                    "report_files_no_replace",
                    "audit_log_no_update",
                    "audit_log_no_delete",
                    "audit_log_no_replace",
                ] {
                    self.exec(&format!("DROP TRIGGER {t}")).await?;
                }
            }
            Raw::Pg(_) => {
                self.exec(
                    "DROP TRIGGER request_events_no_change ON request_events; \
                     DROP TRIGGER report_files_frozen ON report_files; \
                     DROP TRIGGER audit_log_no_change ON audit_log",
                )
                .await?;
            }
        }
        Ok(())
    }
}

/// An agency with three requests, the first answered (disclosed). Returns the agency id and
/// the request numbers.
async fn ledger(s: &Arc<dyn Store>) -> Result<(i64, Vec<String>)> {
    let a = gongkai_store::testing::agency(s.as_ref(), "fuxin-zrzyj", "阜新市自然资源局")
        .await?
        .id;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        numbers.push(
            s.create_request(new_request(a, "2025-03-03"), &Actor::public())
                .await?
                .number,
        );
    }
    s.append_event(
        &numbers[0],
        Event::Answered {
            on: d("2025-03-20"),
            outcome: Outcome::Disclosed,
            letter_no: None,
        },
        &staff(a),
    )
    .await?;
    Ok((a, numbers))
}

fn assert_ok(report: &VerifyReport) {
    assert!(report.is_ok(), "expected OK, got:\n{report}");
}

/// Whether some problem names `number` and `field`.
fn names(report: &VerifyReport, number: &str, field: &str) -> bool {
    report
        .problems
        .iter()
        .any(|p| p.request.as_deref() == Some(number) && p.field.as_deref() == Some(field))
}

/// Whether some problem concerns a payload (rows changed behind an audit entry).
fn payload_problem(report: &VerifyReport) -> bool {
    report
        .problems
        .iter()
        .any(|p| p.seq.is_some() && p.message.contains("rows"))
}

#[tokio::test]
async fn the_ledger_refuses_update_delete_and_truncate() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let (_, numbers) = ledger(&ts.store).await?;
        let raw = Raw::connect(&ts, backend).await?;
        let refused = raw
            .exec("UPDATE request_events SET body = replace(body, '\"disclosed\"', '\"withheld.state_secret\"')")
            .await;
        assert!(
            refused.unwrap_err().to_string().contains("append-only"),
            "{backend:?}: UPDATE refused"
        );
        let refused = raw.exec("DELETE FROM request_events WHERE seq = 2").await;
        assert!(
            refused.unwrap_err().to_string().contains("append-only"),
            "{backend:?}: DELETE refused"
        );
        if backend == Backend::Postgres {
            for table in [
                "audit_log",
                "request_events",
                "report_versions",
                "report_files",
            ] {
                let refused = raw.exec(&format!("TRUNCATE {table} CASCADE")).await;
                assert!(refused.is_err(), "TRUNCATE {table} refused");
            }
        }
        let record = ts.store.request(&numbers[0]).await?.unwrap();
        assert_eq!(record.events.len(), 2);
        assert_eq!(record.outcome, Some(Outcome::Disclosed));
        assert_ok(&ts.store.verify_audit_log().await?);
    }
    Ok(())
}

#[tokio::test]
async fn verify_finds_an_updated_outcome_in_an_event_body() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let (_, numbers) = ledger(&ts.store).await?;
        let before = ts.store.verify_audit_log().await?;
        assert_ok(&before);
        assert_eq!((before.requests, before.events), (3, 4));
        let raw = Raw::connect(&ts, backend).await?;
        raw.drop_triggers().await?;
        let changed = raw
            .exec("UPDATE request_events SET body = replace(body, '\"disclosed\"', '\"withheld.state_secret\"') WHERE kind = 'answered'")
            .await?;
        assert_eq!(changed, 1);
        let report = ts.store.verify_audit_log().await?;
        assert!(
            payload_problem(&report),
            "{backend:?}: the answered entry's rows changed:\n{report}"
        );
        assert!(
            names(&report, &numbers[0], "outcome"),
            "{backend:?}: the projection disagrees:\n{report}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn verify_finds_a_deleted_event() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let (_, numbers) = ledger(&ts.store).await?;
        let raw = Raw::connect(&ts, backend).await?;
        raw.drop_triggers().await?;
        assert_eq!(
            raw.exec("DELETE FROM request_events WHERE kind = 'answered'")
                .await?,
            1
        );
        let report = ts.store.verify_audit_log().await?;
        assert!(payload_problem(&report), "{backend:?}:\n{report}");
        for field in ["status", "outcome", "concluded_on", "event_count"] {
            assert!(
                names(&report, &numbers[0], field),
                "{backend:?}: {field}:\n{report}"
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn verify_finds_an_inserted_event() -> Result<()> {
    for backend in Backend::all() {
        for audit_seq in ["NULL", "2", "999"] {
            let ts = fresh(backend).await?;
            let (_, numbers) = ledger(&ts.store).await?;
            let raw = Raw::connect(&ts, backend).await?;
            // No trigger stands in the way of an INSERT of a new key: the chain must catch it.
            raw.exec(&format!(
                "INSERT INTO request_events (request_id, seq, kind, on_date, body, actor, recorded_at, audit_seq) \
                 SELECT id, 2, 'answered', '2025-03-10', \
                 '{{\"type\":\"answered\",\"on\":\"2025-03-10\",\"outcome\":\"withheld.state_secret\",\"letter_no\":null}}', \
                 'staff:张三', '2025-03-10T00:00:00.000000Z', {audit_seq} FROM requests WHERE number = '{}'",
                numbers[1]
            ))
            .await?;
            let report = ts.store.verify_audit_log().await?;
            assert!(
                !report.is_ok(),
                "{backend:?} audit_seq {audit_seq}: not detected"
            );
            assert!(
                report
                    .problems
                    .iter()
                    .any(|p| p.message.contains("inserted behind the store")
                        || p.message.contains("rows it records")),
                "{backend:?} audit_seq {audit_seq}: the extra row is named:\n{report}"
            );
            assert!(
                names(&report, &numbers[1], "event_count"),
                "{backend:?}:\n{report}"
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn verify_finds_an_updated_projection() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let (_, numbers) = ledger(&ts.store).await?;
        let raw = Raw::connect(&ts, backend).await?;
        raw.exec(&format!(
            "UPDATE requests SET outcome = 'withheld.state_secret' WHERE number = '{}'",
            numbers[0]
        ))
        .await?;
        raw.exec(&format!(
            "UPDATE requests SET due_on = '2025-12-31' WHERE number = '{}'",
            numbers[2]
        ))
        .await?;
        let report = ts.store.verify_audit_log().await?;
        assert!(
            names(&report, &numbers[0], "outcome"),
            "{backend:?}:\n{report}"
        );
        assert!(
            names(&report, &numbers[2], "due_on"),
            "{backend:?}:\n{report}"
        );
        assert_eq!(
            report.problems.len(),
            2,
            "{backend:?}: nothing else:\n{report}"
        );
        let text = report.to_string();
        assert!(text.contains(&format!("request {}: outcome: the row says withheld.state_secret, its events give disclosed", numbers[0])), "{text}");
    }
    Ok(())
}

#[tokio::test]
async fn a_changed_registration_is_found() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let (_, numbers) = ledger(&ts.store).await?;
        let raw = Raw::connect(&ts, backend).await?;
        raw.exec(&format!(
            "UPDATE requests SET applicant_name = '王五' WHERE number = '{}'",
            numbers[1]
        ))
        .await?;
        let report = ts.store.verify_audit_log().await?;
        assert!(payload_problem(&report), "{backend:?}:\n{report}");
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.message.contains(&numbers[1])),
            "{backend:?}: names the request:\n{report}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn bulk_seeded_requests_verify_and_a_change_in_a_batch_is_found() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        gongkai_store::synthetic::seed(ts.store.as_ref(), 3, 2500, 7, |_| {}).await?;
        let report = ts.store.verify_audit_log().await?;
        assert_ok(&report);
        assert_eq!(report.requests, 2500);
        ensure!(
            report.events > 2500,
            "events are covered: {}",
            report.events
        );
        let raw = Raw::connect(&ts, backend).await?;
        raw.drop_triggers().await?;
        let n = raw
            .exec(
                "UPDATE request_events SET actor = 'staff:someone-else' WHERE request_id = (SELECT MAX(request_id) FROM request_events) AND seq = 1",
            )
            .await?;
        assert_eq!(n, 1);
        let report = ts.store.verify_audit_log().await?;
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.message.starts_with("requests.bulk_seed")),
            "{backend:?}: the batch's entry is named:\n{report}"
        );
    }
    Ok(())
}

async fn published(s: &Arc<dyn Store>, a: i64) -> Result<i64> {
    let agency = s.agency_by_id(a).await?.unwrap();
    let head = Actor {
        name: "负责人".into(),
        role: Role::Head,
        agency_id: Some(a),
        department_id: None,
        supervised: Vec::new(),
    };
    gongkai_store::testing::write_sections(s.as_ref(), &agency, 2025, &staff(a)).await?;
    let v = reporting::save_draft(s.as_ref(), &agency, 2025, &staff(a)).await?;
    let v = s.approve_report(v.id, &head).await?;
    let v = reporting::publish(
        s.as_ref(),
        &v,
        vec![
            ("md".into(), b"# report".to_vec()),
            ("html".into(), b"<h1>report</h1>".to_vec()),
        ],
        &head,
    )
    .await?;
    Ok(v.id)
}

#[tokio::test]
async fn insert_or_replace_cannot_replace_a_row_of_an_append_only_table() -> Result<()> {
    let ts = fresh(Backend::Sqlite).await?;
    let (a, _) = ledger(&ts.store).await?;
    let version = published(&ts.store, a).await?;
    let raw = Raw::connect(&ts, Backend::Sqlite).await?;
    let attempts = [
        (
            "audit_log",
            "INSERT OR REPLACE INTO audit_log (seq, at, actor, action, object, outcome, prev_hash, hash) \
                       SELECT seq, at, 'admin:x', action, object, outcome, prev_hash, hash FROM audit_log WHERE seq = 2",
        ),
        (
            "request_events",
            "INSERT OR REPLACE INTO request_events (request_id, seq, kind, on_date, body, actor, recorded_at, audit_seq) \
                            SELECT request_id, seq, kind, on_date, replace(body, '\"disclosed\"', '\"withheld.state_secret\"'), actor, recorded_at, audit_seq \
                            FROM request_events WHERE kind = 'answered'",
        ),
        (
            "report_versions",
            "INSERT OR REPLACE INTO report_versions (id, agency_id, year, version, status, report_json, json_sha256, created_at) \
                             SELECT id, agency_id, year, version, 'published', '{}', json_sha256, created_at FROM report_versions",
        ),
        (
            "report_files",
            "INSERT OR REPLACE INTO report_files (version_id, format, body, sha256, audit_seq) \
                          SELECT version_id, format, X'00', sha256, audit_seq FROM report_files WHERE format = 'md'",
        ),
        (
            "ledger_legacy",
            "INSERT OR REPLACE INTO ledger_legacy (id, requests, events) VALUES (1, 99, 99)",
        ),
    ];
    for (table, sql) in attempts {
        let refused = raw.exec(sql).await.expect_err(table).to_string();
        assert!(
            refused.contains("append-only") || refused.contains("kept"),
            "INSERT OR REPLACE into {table}: {refused}"
        );
    }
    // Through a connection of the store itself (recursive_triggers on) the DELETE triggers fire
    // too: drop the INSERT guard and try again.
    raw.exec("DROP TRIGGER report_files_no_replace").await?;
    let store_conn = sqlx::sqlite::SqlitePoolOptions::new()
        .connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&ts.url)
                .pragma("recursive_triggers", "ON"),
        )
        .await?;
    let refused = sqlx::query("INSERT OR REPLACE INTO report_files (version_id, format, body, sha256, audit_seq) SELECT version_id, format, X'00', sha256, audit_seq FROM report_files WHERE format = 'md'")
        .execute(&store_conn)
        .await;
    assert!(
        refused.unwrap_err().to_string().contains("kept"),
        "the delete trigger fires"
    );
    assert_eq!(
        ts.store.report_file(version, "md").await?.as_deref(),
        Some(&b"# report"[..])
    );
    assert_ok(&ts.store.verify_audit_log().await?);
    Ok(())
}

#[tokio::test]
async fn a_forged_report_file_is_refused_logged_and_audited() -> Result<()> {
    for backend in Backend::all() {
        for consistent in [false, true] {
            let ts = fresh(backend).await?;
            let (a, _) = ledger(&ts.store).await?;
            let version = published(&ts.store, a).await?;
            assert_eq!(
                ts.store.report_file(version, "md").await?.as_deref(),
                Some(&b"# report"[..])
            );
            let raw = Raw::connect(&ts, backend).await?;
            raw.drop_triggers().await?;
            // The forgery: other bytes, with (consistent) or without a matching digest.
            let digest = if consistent {
                use sha2::Digest as _;
                format!("'{}'", hex::encode(sha2::Sha256::digest(b"# forged")))
            } else {
                "sha256".to_string()
            };
            let forged = raw
                .exec(&format!("UPDATE report_files SET body = CAST('# forged' AS {}), sha256 = {digest} WHERE format = 'md'", match backend {
                    Backend::Sqlite => "BLOB",
                    Backend::Postgres => "BYTEA",
                }))
                .await?;
            assert_eq!(forged, 1);
            let served = ts.store.report_file(version, "md").await;
            assert!(
                served.is_err(),
                "{backend:?} consistent={consistent}: the forgery is not served"
            );
            let log = ts.store.audit_entries(0, 1000).await?;
            let tampered = log
                .iter()
                .find(|e| e.action == "report.file_tampered")
                .expect("audited");
            assert!(tampered.object.ends_with("/md"), "{tampered:?}");
            assert!(tampered.outcome.starts_with("rejected"), "{tampered:?}");
            let html = ts.store.report_file(version, "html").await;
            if consistent {
                // The digests no longer are the ones the publication recorded: the whole
                // publication is suspect.
                assert!(html.is_err(), "{backend:?}: {html:?}");
            } else {
                assert_eq!(
                    html?.as_deref(),
                    Some(&b"<h1>report</h1>"[..]),
                    "an intact file is served"
                );
            }
            assert!(
                !ts.store.verify_audit_log().await?.is_ok(),
                "verify finds it too"
            );
        }
    }
    Ok(())
}

/// Rewrites the audit-log tail from `from` on, recomputing every hash and the head, as an attacker
/// with database access (triggers dropped) would, changing the actor of entry `from`.
async fn rewrite_tail(s: &Arc<dyn Store>, raw: &Raw, from: i64) -> Result<()> {
    let entries = s.audit_entries(from - 1, 100_000).await?;
    let mut prev = s
        .audit_entries(from - 2, 1)
        .await?
        .first()
        .map_or(gongkai_store::audit::GENESIS.to_string(), |e| {
            e.hash.clone()
        });
    for (i, e) in entries.iter().enumerate() {
        let actor = if i == 0 {
            "admin:nobody".to_string()
        } else {
            e.actor.clone()
        };
        let hash = entry_hash_with(
            &prev,
            e.seq,
            &e.at,
            &actor,
            &e.action,
            &e.object,
            &e.outcome,
            e.payload_hash.as_deref(),
        );
        raw.exec(&format!(
            "UPDATE audit_log SET actor = '{actor}', prev_hash = '{prev}', hash = '{hash}' WHERE seq = {}",
            e.seq
        ))
        .await?;
        prev = hash;
    }
    raw.exec(&format!(
        "UPDATE audit_head SET hash = '{prev}' WHERE id = 1"
    ))
    .await?;
    Ok(())
}

async fn add_departments(s: &Arc<dyn Store>, a: i64, names: &[&str]) -> Result<()> {
    for n in names {
        s.add_department(a, n, &staff(a)).await?;
    }
    Ok(())
}

#[tokio::test]
async fn checkpoints_catch_a_truncated_or_rewritten_tail_and_pass_a_grown_log() -> Result<()> {
    let keys = tempfile::tempdir()?;
    let key = CheckpointKey::load_or_create(&keys.path().join("checkpoint.key"))?;
    let trusted = key.public_key();
    for backend in Backend::all() {
        // Truncation: the tail (entries that record no rows) removed and the head moved back.
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let (a, _) = ledger(&s).await?;
        add_departments(&s, a, &["办公室", "法规科"]).await?;
        let cp = checkpoint::create(s.as_ref(), &key).await?;
        assert_eq!(cp.seq, 7);
        assert_ok(&checkpoint::verify_with(s.as_ref(), &cp, &trusted).await?);
        add_departments(&s, a, &["规划科"]).await?;
        let grown = checkpoint::verify_with(s.as_ref(), &cp, &trusted).await?;
        assert_ok(&grown);
        assert_eq!(
            grown.entries, 8,
            "a log that grew after the checkpoint passes"
        );

        let raw = Raw::connect(&ts, backend).await?;
        raw.drop_triggers().await?;
        let kept = s.audit_entries(4, 1).await?.remove(0);
        raw.exec("DELETE FROM audit_log WHERE seq > 5").await?;
        raw.exec(&format!(
            "UPDATE audit_head SET seq = 5, hash = '{}' WHERE id = 1",
            kept.hash
        ))
        .await?;
        assert_ok(&s.verify_audit_log().await?);
        let report = checkpoint::verify_with(s.as_ref(), &cp, &trusted).await?;
        assert_eq!(report.problems.len(), 1, "{report}");
        assert_eq!(report.problems[0].seq, Some(7));
        assert!(report.problems[0].message.contains("truncated"), "{report}");

        // Rewriting: an entry before the checkpoint changed and every later hash recomputed.
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let (a, _) = ledger(&s).await?;
        add_departments(&s, a, &["办公室"]).await?;
        let cp = checkpoint::create(s.as_ref(), &key).await?;
        add_departments(&s, a, &["法规科"]).await?;
        let raw = Raw::connect(&ts, backend).await?;
        raw.drop_triggers().await?;
        rewrite_tail(&s, &raw, 6).await?;
        assert_ok(&s.verify_audit_log().await?);
        let report = checkpoint::verify_with(s.as_ref(), &cp, &trusted).await?;
        assert_eq!(report.problems.len(), 1, "{report}");
        assert_eq!(report.problems[0].seq, Some(cp.seq));
        assert!(report.problems[0].message.contains("rewritten"), "{report}");

        // A checkpoint with a bad signature, or signed by another key, is refused.
        let mut bad = cp.clone();
        bad.hash = s.audit_head().await?.1;
        let report = checkpoint::verify_with(s.as_ref(), &bad, &trusted).await?;
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.message.contains("checkpoint refused: signature")),
            "{report}"
        );
        let other =
            CheckpointKey::load_or_create(&keys.path().join(format!("other-{backend:?}.key")))?;
        let forged = checkpoint::create(s.as_ref(), &other).await?;
        let report = checkpoint::verify_with(s.as_ref(), &forged, &trusted).await?;
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.message.contains("not signed by the trusted key")),
            "{report}"
        );
    }
    Ok(())
}

/// A database written before migration 0004 (entries without payload hashes, rows without
/// `audit_seq`) keeps verifying; its rows are counted as legacy, and a row later slipped in as
/// "legacy" is found.
#[tokio::test]
async fn a_log_written_before_the_ledger_was_chained_keeps_verifying() -> Result<()> {
    use gongkai_domain::calendar::Calendar;
    use gongkai_domain::request::CaseState;
    use gongkai_store::PiiCipher;
    use gongkai_store::audit::{GENESIS, entry_hash};
    for backend in Backend::all() {
        let dir = tempfile::tempdir()?;
        // A real sealed blob: opening a database from before the key check checks the key on it.
        let key = PiiCipher::random_key();
        let sealed = hex::encode(PiiCipher::from_key(&key).seal(
            &gongkai_store::PersonalData {
                phone: "13800138000".into(),
                ..Default::default()
            },
            "old-2024-00001",
        )?);
        let (url, blob) = match backend {
            Backend::Sqlite => (
                dir.path().join("gongkai.sqlite3").display().to_string(),
                format!("X'{sealed}'"),
            ),
            Backend::Postgres => (
                gongkai_store::testing::fresh_pg_database().await?,
                format!("'\\x{sealed}'::bytea"),
            ),
        };
        let received = Event::Received {
            on: d("2024-03-04"),
            channel: Channel::Online,
        };
        let due = CaseState::start(&received)?.answer_deadline(&Calendar::embedded());
        let body = serde_json::to_string(&received)?;
        let at = "2024-03-04T08:00:00.000000Z";
        let h1 = entry_hash(GENESIS, 1, at, "admin:system", "agency.create", "old", "ok");
        let h2 = entry_hash(
            &h1,
            2,
            at,
            "public:public",
            "request.received",
            "old-2024-00001",
            "ok",
        );
        let legacy = format!(
            "INSERT INTO agencies (id, slug, name, is_government, created_at) VALUES (1, 'old', '旧机关', FALSE, '{at}'); \
             INSERT INTO requests (id, agency_id, number, query_code_hash, applicant_kind, applicant_name, phone_masked, pii_sealed, \
               description, channel, delivery, received_on, status, due_on, due_provisional, event_count, created_at) \
             VALUES (1, 1, 'old-2024-00001', 'x', 'natural_person', '李四', '138****8000', {blob}, '某文件', 'online', 'email', \
               '2024-03-04', 'processing', '{}', {}, 1, '{at}'); \
             INSERT INTO request_events (request_id, seq, kind, on_date, body, actor, recorded_at) \
             VALUES (1, 1, 'received', '2024-03-04', '{body}', 'public:public', '{at}'); \
             INSERT INTO audit_log (seq, at, actor, action, object, outcome, prev_hash, hash) VALUES \
               (1, '{at}', 'admin:system', 'agency.create', 'old', 'ok', '{GENESIS}', '{h1}'), \
               (2, '{at}', 'public:public', 'request.received', 'old-2024-00001', 'ok', '{h1}', '{h2}'); \
             UPDATE audit_head SET seq = 2, hash = '{h2}' WHERE id = 1",
            due.due_on.unwrap(),
            if due.provisional { "TRUE" } else { "FALSE" },
        );
        let cipher = || PiiCipher::from_key(&key);
        let store: Arc<dyn Store> = match backend {
            Backend::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&url)
                    .create_if_missing(true);
                let pool = sqlx::SqlitePool::connect_with(options).await?;
                sqlx::migrate!("migrations/sqlite").run_to(3, &pool).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(legacy))
                    .execute(&pool)
                    .await?;
                pool.close().await;
                Arc::new(
                    gongkai_store::SqliteStore::open(std::path::Path::new(&url), cipher()).await?,
                )
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&url).await?;
                sqlx::migrate!("migrations/postgres")
                    .run_to(3, &pool)
                    .await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(legacy))
                    .execute(&pool)
                    .await?;
                // The rows above were given their ids: move the identity sequences past them.
                sqlx::raw_sql(
                    "SELECT setval(pg_get_serial_sequence('agencies', 'id'), 1); \
                     SELECT setval(pg_get_serial_sequence('requests', 'id'), 1)",
                )
                .execute(&pool)
                .await?;
                pool.close().await;
                Arc::new(gongkai_store::PgStore::open(&url, cipher()).await?)
            }
        };
        let report = store.verify_audit_log().await?;
        assert_ok(&report);
        assert_eq!(
            (report.entries, report.requests, report.legacy_events),
            (2, 1, 1),
            "{backend:?}"
        );
        let a = store.agency("old").await?.unwrap().id;
        store
            .create_request(new_request(a, "2025-03-03"), &Actor::public())
            .await?;
        let report = store.verify_audit_log().await?;
        assert_ok(&report);
        assert_eq!(
            (report.entries, report.requests, report.events),
            (3, 2, 1),
            "{backend:?}"
        );

        let ts = TestStore {
            store: store.clone(),
            dir,
            url,
        };
        ts.raw_exec(
            "INSERT INTO request_events (request_id, seq, kind, on_date, body, actor, recorded_at, audit_seq) \
             VALUES (1, 2, 'withdrawn', '2024-03-05', '{\"type\":\"withdrawn\",\"on\":\"2024-03-05\"}', 'public:public', 'x', 0)",
        )
        .await?;
        let report = store.verify_audit_log().await?;
        assert!(
            report.problems.iter().any(|p| p
                .message
                .contains("marked as recorded before the ledger was chained")),
            "{backend:?}:\n{report}"
        );
        assert!(
            names(&report, "old-2024-00001", "status"),
            "{backend:?}:\n{report}"
        );
    }
    Ok(())
}
