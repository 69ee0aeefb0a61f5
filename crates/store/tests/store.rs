//! The store's behaviour, run on every backend (SQLite always; PostgreSQL when the test script
//! provides a server).

use std::collections::BTreeSet;
use std::sync::Arc;

use anyhow::Result;
use chrono::NaiveDate;
use gongkai_domain::applicant::ApplicantKind;
use gongkai_domain::calendar::ScheduleFile;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::request::{Event, Status};
use gongkai_store::testing::{Backend, TestStore, fresh, fresh_with_clock, new_request};
use gongkai_store::{Actor, Role, Store, StoreError};

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

async fn agency(store: &Arc<dyn Store>, slug: &str) -> Result<i64> {
    let a = gongkai_store::testing::agency(store.as_ref(), slug, "阜新市自然资源局").await?;
    Ok(a.id)
}

async fn each_backend<F, Fut>(test: F) -> Result<()>
where
    F: Fn(Arc<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    for backend in Backend::all() {
        // Today is after every date these tests record (the store refuses days to come).
        let today = Arc::new(gongkai_domain::clock::FixedClock(d("2027-01-15")));
        let ts: TestStore = fresh_with_clock(backend, today).await?;
        test(ts.store.clone())
            .await
            .map_err(|e| e.context(format!("on {backend:?}")))?;
    }
    Ok(())
}

#[tokio::test]
async fn numbers_are_sequential_per_agency_and_year_and_query_codes_are_checked() -> Result<()> {
    each_backend(|s| async move {
        let a = agency(&s, "fuxin-zrzyj").await?;
        let b = agency(&s, "other").await?;
        let r1 = s
            .create_request(new_request(a, "2025-03-03"), &Actor::public())
            .await?;
        let r2 = s
            .create_request(new_request(a, "2025-03-04"), &Actor::public())
            .await?;
        let r3 = s
            .create_request(new_request(a, "2026-01-05"), &Actor::public())
            .await?;
        let r4 = s
            .create_request(new_request(b, "2025-03-04"), &Actor::public())
            .await?;
        assert_eq!(
            [&r1.number, &r2.number, &r3.number, &r4.number],
            [
                "fuxin-zrzyj-2025-00001",
                "fuxin-zrzyj-2025-00002",
                "fuxin-zrzyj-2026-00001",
                "other-2025-00001"
            ]
        );
        assert_eq!(r1.due_on, Some(d("2025-03-31")));
        let found = s
            .request_for_applicant(&r1.number, &r1.query_code)
            .await?
            .expect("right code");
        assert_eq!(
            found.id_number_masked.as_deref(),
            Some("110105********002X")
        );
        assert_eq!(found.phone_masked, "138****8000");
        assert_eq!(found.status, Status::Processing);
        assert!(
            s.request_for_applicant(&r1.number, &r2.query_code)
                .await?
                .is_none(),
            "wrong code"
        );
        assert!(
            s.request_for_applicant("nope-2025-00001", &r1.query_code)
                .await?
                .is_none()
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn personal_data_is_sealed_at_rest() -> Result<()> {
    let ts = fresh(Backend::Sqlite).await?;
    let a = agency(&ts.store, "fuxin-zrzyj").await?;
    let r = ts
        .store
        .create_request(new_request(a, "2025-03-03"), &Actor::public())
        .await?;
    drop(ts.store);
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(ts.dir.path())? {
        bytes.extend(std::fs::read(entry?.path())?);
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("138****8000"), "the masked phone is stored");
    assert!(
        !text.contains("13800138000"),
        "the phone number is not stored in the clear"
    );
    assert!(
        !text.contains("11010519491231002X"),
        "the ID number is not stored in the clear"
    );
    assert!(
        !text.contains(&r.query_code),
        "the query code is stored only as a hash"
    );
    Ok(())
}

#[tokio::test]
async fn the_ledger_accepts_legal_events_rejects_illegal_ones_and_audits_both() -> Result<()> {
    each_backend(|s| async move {
        let a = agency(&s, "fuxin-zrzyj").await?;
        let r = s.create_request(new_request(a, "2025-06-09"), &Actor::public()).await?;
        let who = staff(a);
        let rec = s
            .append_event(
                &r.number,
                Event::ConsultationStarted {
                    on: d("2025-06-11"),
                    party: gongkai_domain::request::ConsultedParty::ThirdParty,
                    with: "某公司".into(),
                },
                &who,
            )
            .await?;
        assert_eq!(rec.status, Status::Consulting);
        assert_eq!(rec.due_on, None, "the clock stands still");
        let rec = s.append_event(&r.number, Event::ConsultationAnswered { on: d("2025-06-18") }, &who).await?;
        assert_eq!(rec.due_on, Some(d("2025-07-14")), "20 working days + 5 paused");
        let refused = s.append_event(&r.number, Event::Corrected { on: d("2025-06-19") }, &who).await;
        assert!(matches!(refused, Err(StoreError::Domain(_))), "{refused:?}");
        let rec = s
            .append_event(&r.number, Event::Answered { on: d("2025-06-20"), outcome: Outcome::Disclosed, letter_no: None }, &who)
            .await?;
        assert_eq!(rec.status, Status::Answered);
        assert_eq!(rec.concluded_on, Some(d("2025-06-20")));
        assert_eq!(rec.events.len(), 4);
        let log = s.audit_entries(0, 100).await?;
        let actions: Vec<(&str, &str)> = log.iter().map(|e| (e.action.as_str(), e.outcome.as_str())).collect();
        assert!(actions.contains(&("request.corrected", "rejected: corrected: not allowed while the request is processing; allowed when awaiting_correction")), "{actions:?}");
        assert!(actions.contains(&("request.answered", "ok")));
        assert!(log.iter().all(|e| !e.object.contains("11010519491231002X") && !e.outcome.contains("1101051949")));
        let verified = s.verify_audit_log().await?;
        assert!(verified.is_ok(), "{verified}");
        assert_eq!(verified.entries, log.len() as u64);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn concurrent_filings_get_distinct_sequential_numbers_and_one_chain() -> Result<()> {
    each_backend(|s| async move {
        let a = agency(&s, "busy").await?;
        let mut tasks = Vec::new();
        for _ in 0..24 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                s.create_request(new_request(a, "2025-03-03"), &Actor::public())
                    .await
            }));
        }
        let mut numbers = BTreeSet::new();
        for t in tasks {
            numbers.insert(t.await??.number);
        }
        let expected: BTreeSet<String> = (1..=24).map(|i| format!("busy-2025-{i:05}")).collect();
        assert_eq!(numbers, expected);
        let verified = s.verify_audit_log().await?;
        assert!(verified.is_ok(), "{verified}");
        assert_eq!(verified.entries, 25);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn importing_a_calendar_recomputes_open_deadlines() -> Result<()> {
    each_backend(|s| async move {
        let a = agency(&s, "fuxin-zrzyj").await?;
        // Received 2026-12-24: the deadline runs into 2027, whose notice is not loaded.
        let r = s
            .create_request(new_request(a, "2026-12-24"), &Actor::public())
            .await?;
        assert!(r.due_provisional);
        assert_eq!(
            r.due_on,
            Some(d("2027-01-22")),
            "Monday-Friday minus the statutory 元旦"
        );
        let closed = s
            .create_request(new_request(a, "2026-12-24"), &Actor::public())
            .await?;
        s.append_event(
            &closed.number,
            Event::Withdrawn {
                on: d("2026-12-25"),
            },
            &staff(a),
        )
        .await?;
        // A complete notice: every statutory holiday of 2027 off, and Mon 01-04 too.
        let mut off: Vec<serde_json::Value> = gongkai_domain::calendar::statutory_holidays(2027)
            .iter()
            .map(|h| serde_json::json!({"date": h.date, "holiday": h.holiday}))
            .collect();
        off.push(serde_json::json!({"date": "2027-01-04", "holiday": "元旦"}));
        let file = ScheduleFile::parse(
            &serde_json::json!({"years": {"2027": {"off": off, "workday": []}}}).to_string(),
        )?;
        let summary = s.import_calendar(file, &Actor::system()).await?;
        assert_eq!((summary.recomputed, summary.changed), (1, 1));
        let rec = s.request(&r.number).await?.unwrap();
        assert!(!rec.due_provisional);
        assert_eq!(
            rec.due_on,
            Some(d("2027-01-25")),
            "the notice's 01-04 pushes it by a working day"
        );
        assert!(s.current_calendar().await?.is_year_known(2027));
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_audit_chain_detects_tampering() -> Result<()> {
    let ts = fresh(Backend::Sqlite).await?;
    let a = agency(&ts.store, "fuxin-zrzyj").await?;
    for _ in 0..3 {
        ts.store
            .create_request(new_request(a, "2025-03-03"), &Actor::public())
            .await?;
    }
    let verified = ts.store.verify_audit_log().await?;
    assert!(verified.is_ok(), "{verified}");
    assert_eq!(verified.entries, 4);
    let url = format!("sqlite://{}", ts.url);
    let pool = sqlx::SqlitePool::connect(&url).await?;
    let refused = sqlx::query("UPDATE audit_log SET actor = 'x' WHERE seq = 2")
        .execute(&pool)
        .await;
    assert!(refused.is_err(), "the table is append-only");
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&pool)
        .await?;
    sqlx::query("UPDATE audit_log SET actor = 'public:someone-else' WHERE seq = 3")
        .execute(&pool)
        .await?;
    let verified = ts.store.verify_audit_log().await?;
    assert_eq!(
        verified.problems.first().and_then(|p| p.seq),
        Some(3),
        "{verified}"
    );
    Ok(())
}

#[tokio::test]
async fn request_facts_cover_the_year() -> Result<()> {
    each_backend(|s| async move {
        let a = agency(&s, "fuxin-zrzyj").await?;
        let old = s
            .create_request(new_request(a, "2023-12-20"), &Actor::public())
            .await?;
        s.append_event(
            &old.number,
            Event::Answered {
                on: d("2024-01-10"),
                outcome: Outcome::Disclosed,
                letter_no: None,
            },
            &staff(a),
        )
        .await?;
        let done_before = s
            .create_request(new_request(a, "2023-11-01"), &Actor::public())
            .await?;
        s.append_event(
            &done_before.number,
            Event::Withdrawn {
                on: d("2023-11-02"),
            },
            &staff(a),
        )
        .await?;
        s.create_request(new_request(a, "2024-05-06"), &Actor::public())
            .await?;
        s.create_request(new_request(a, "2025-01-06"), &Actor::public())
            .await?;
        let facts = s.numbered_request_facts(a, 2024).await?;
        assert_eq!(facts.len(), 2, "{facts:?}");
        assert!(
            facts
                .iter()
                .all(|(_, f)| f.kind == ApplicantKind::NaturalPerson)
        );
        assert!(facts[0].0 < facts[1].0, "ordered by number");
        Ok(())
    })
    .await
}
