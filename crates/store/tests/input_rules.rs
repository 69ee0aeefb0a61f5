//! Issue 8, items 6, 8 and 15 at the store: one date rule on every write path (the store's clock
//! is today), bounded text and numbers, and the `voided` event. Every test runs on every backend.

use std::sync::Arc;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use gongkai_domain::applicant::ApplicantInput;
use gongkai_domain::clock::FixedClock;
use gongkai_domain::fee::FeeBasis;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::report::{ReviewFact, ReviewKind, ReviewResult, Sections};
use gongkai_domain::request::{Event, Status};
use gongkai_store::testing::{Backend, TestStore, fresh_with_clock, new_request};
use gongkai_store::{
    Actor, NewAgency, NewPublication, PublicationKind, Role, Statistic, Store, StoreError,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Today for every test here: Saturday 2026-01-10 (China time).
const TODAY: &str = "2026-01-10";

fn staff(agency_id: i64) -> Actor {
    Actor {
        name: "张三".into(),
        role: Role::Office,
        agency_id: Some(agency_id),
        department_id: None,
        supervised: Vec::new(),
    }
}

fn head(agency_id: i64) -> Actor {
    Actor {
        name: "公开办主任".into(),
        role: Role::Head,
        agency_id: Some(agency_id),
        department_id: None,
        supervised: Vec::new(),
    }
}

async fn setup(backend: Backend) -> Result<(TestStore, i64)> {
    let ts = fresh_with_clock(backend, Arc::new(FixedClock(d(TODAY)))).await?;
    let a = gongkai_store::testing::agency(ts.store.as_ref(), "fuxin-zrzyj", "阜新市自然资源局")
        .await?;
    Ok((ts, a.id))
}

/// The field a refusal names (a domain error through the store).
fn field_of<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Result<String> {
    match r {
        Err(StoreError::Domain(e)) => Ok(e.field().to_string()),
        other => bail!("expected a domain refusal, got {other:?}"),
    }
}

fn publication(issued: &str, published: Option<&str>, repealed: Option<&str>) -> NewPublication {
    NewPublication {
        kind: PublicationKind::Rule,
        title: "阜新市某管理办法".into(),
        doc_number: Some("阜政发〔2020〕1号".into()),
        issued_on: issued.parse().unwrap(),
        published_on: published.map(|p| p.parse().unwrap()),
        repealed_on: repealed.map(|p| p.parse().unwrap()),
    }
}

#[tokio::test]
async fn no_write_path_accepts_a_day_after_today_or_before_2008() -> Result<()> {
    for backend in Backend::all() {
        let (ts, a) = setup(backend).await?;
        let s = &ts.store;
        let actor = staff(a);
        // Registering: receipt tomorrow, or in 2007.
        let f = field_of(s.create_request(new_request(a, "2026-01-11"), &actor).await)?;
        assert_eq!(f, "received_on", "{backend:?}");
        let f = field_of(s.create_request(new_request(a, "2007-12-31"), &actor).await)?;
        assert_eq!(f, "received_on");
        let n = s
            .create_request(new_request(a, "2026-01-09"), &actor)
            .await?
            .number;
        assert!(n.contains("-2026-"), "{n}");
        // Ledger events: a withdrawal in 2199 would close the request for good.
        let f = field_of(
            s.append_event(
                &n,
                Event::Withdrawn {
                    on: d("2199-12-31"),
                },
                &actor,
            )
            .await,
        )?;
        assert_eq!(f, "on");
        let r = s.request(&n).await?.unwrap();
        assert_eq!(r.status, Status::Processing);
        assert_eq!(r.events.len(), 1);
        let last = s.audit_entries(0, 1000).await?.pop().unwrap();
        assert_eq!(last.action, "request.withdrawn");
        assert!(
            last.outcome.starts_with("rejected: on:"),
            "{}",
            last.outcome
        );
        // A 补正 date is after the notice and at most 20 working days later (Art. 30).
        let notice = |by: &str| Event::CorrectionRequested {
            on: d("2026-01-09"),
            items: "请明确地块位置".into(),
            correct_by: d(by),
        };
        assert_eq!(
            field_of(s.append_event(&n, notice("2026-01-09"), &actor).await)?,
            "correct_by"
        );
        assert_eq!(
            field_of(s.append_event(&n, notice("2026-12-31"), &actor).await)?,
            "correct_by"
        );
        s.append_event(&n, notice("2026-01-23"), &actor).await?;
        // Publications: 1900, 9999, +99999.
        for (p, field) in [
            (publication("1900-01-01", None, None), "issued_on"),
            (publication("9999-12-31", None, None), "issued_on"),
            (
                publication("2020-01-01", Some("2027-01-01"), None),
                "published_on",
            ),
            (
                publication("2020-01-01", Some("2020-01-10"), Some("+99999-12-31")),
                "repealed_on",
            ),
        ] {
            assert_eq!(field_of(s.add_publication(a, p, &actor).await)?, field);
        }
        s.add_publication(
            a,
            publication("2020-01-01", Some("2020-01-10"), None),
            &actor,
        )
        .await?;
        let regs = s.report_registers(Some(a), 2025).await?;
        assert_eq!(regs.rules.in_force, 1, "only the valid rule is in force");
        assert_eq!(regs.rules.total_published, 1);
        // Review cases.
        let case = |filed: &str, decided: Option<&str>| ReviewFact {
            kind: ReviewKind::Reconsideration,
            filed_on: d(filed),
            decided: decided.map(|x| (d(x), ReviewResult::Upheld)),
        };
        assert_eq!(
            field_of(
                s.add_review_case(a, None, case("9999-01-01", None), &actor)
                    .await
            )?,
            "filed_on"
        );
        assert_eq!(
            field_of(
                s.add_review_case(a, None, case("2025-01-01", Some("2026-02-01")), &actor)
                    .await
            )?,
            "decided_on"
        );
        let id = s
            .add_review_case(a, None, case("2025-01-01", None), &actor)
            .await?;
        assert_eq!(
            field_of(
                s.decide_review_case(id, d("2026-01-11"), ReviewResult::Upheld, &actor)
                    .await
            )?,
            "decided_on"
        );
        // The statistics year.
        let stat = || Statistic {
            key: "licensing.decisions".into(),
            value: 12.0,
            source: "行政审批系统".into(),
        };
        assert_eq!(
            field_of(s.set_statistic(a, 2027, stat(), &actor).await)?,
            "year"
        );
        s.set_statistic(a, 2025, stat(), &actor).await?;
    }
    Ok(())
}

#[tokio::test]
async fn sqlite_stores_no_date_that_is_not_canonical() -> Result<()> {
    use sqlx::Connection;
    let (ts, a) = setup(Backend::Sqlite).await?;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", ts.url)).await?;
    for bad in [
        "+99999-12-31",
        "2025-6-9",
        "2025-02-30",
        "2025-06-09 00:00",
        "yesterday",
    ] {
        let r = sqlx::query(
            "INSERT INTO publications (agency_id, kind, title, issued_on, repealed_on, created_at) \
             VALUES ($1, 'rule', 't', '2020-01-01', $2, 'now')",
        )
        .bind(a)
        .bind(bad)
        .execute(&mut conn)
        .await;
        let e = r.expect_err(bad).to_string();
        assert!(
            e.contains("publications.repealed_on: not a canonical"),
            "{bad}: {e}"
        );
    }
    let r = sqlx::query("UPDATE requests SET received_on = '+99999-12-31'")
        .execute(&mut conn)
        .await;
    assert!(r.is_ok(), "no rows: nothing to refuse");
    let n = ts
        .store
        .create_request(new_request(a, "2025-06-09"), &staff(a))
        .await?
        .number;
    let e = sqlx::query("UPDATE requests SET concluded_on = '+99999-12-31' WHERE number = $1")
        .bind(&n)
        .execute(&mut conn)
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("requests.concluded_on"), "{e}");
    let e = sqlx::query("UPDATE request_events SET on_date = '9999-99-99'")
        .execute(&mut conn)
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("request_events.on_date"), "{e}");
    let e = sqlx::query("INSERT INTO review_cases (agency_id, kind, filed_on, created_at) VALUES ($1, 'reconsideration', '+02025-01-01', 'now')")
        .bind(a)
        .execute(&mut conn)
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("review_cases.filed_on"), "{e}");
    Ok(())
}

#[tokio::test]
async fn text_and_numbers_are_bounded_on_every_write_path() -> Result<()> {
    for backend in Backend::all() {
        let (ts, a) = setup(backend).await?;
        let s = &ts.store;
        let actor = staff(a);
        // Applicant and description.
        let nul = ApplicantInput {
            kind: "natural_person".into(),
            name: "李\0四".into(),
            phone: "13800138000".into(),
            ..Default::default()
        };
        assert_eq!(nul.validate().unwrap_err()[0].field(), "applicant.name");
        let mut r = new_request(a, "2025-06-09");
        r.description = "\u{1b}[31m征收补偿方案\u{1b}[0m".into();
        assert_eq!(field_of(s.create_request(r, &actor).await)?, "description");
        let mut r = new_request(a, "2025-06-09");
        r.description = "字".repeat(1 << 20);
        assert_eq!(field_of(s.create_request(r, &actor).await)?, "description");
        let mut r = new_request(a, "2025-06-09");
        r.description = "  2020年某地块\r\n征收补偿方案  ".into();
        let n = s.create_request(r, &actor).await?.number;
        assert_eq!(
            s.request(&n).await?.unwrap().description,
            "2020年某地块\n征收补偿方案"
        );
        // Event text and numbers.
        let items = Event::CorrectionRequested {
            on: d("2025-06-10"),
            items: "请明确\0地块".into(),
            correct_by: d("2025-06-20"),
        };
        assert_eq!(field_of(s.append_event(&n, items, &actor).await)?, "items");
        let fee = Event::FeeNoticed {
            on: d("2025-06-10"),
            basis: FeeBasis::ByPages { pages: u32::MAX },
            amount_yuan: 171_798_682_660,
        };
        assert_eq!(
            field_of(s.append_event(&n, fee, &actor).await)?,
            "amount_yuan"
        );
        let pages = Event::FeeNoticed {
            on: d("2025-06-10"),
            basis: FeeBasis::ByPages { pages: 100_001 },
            amount_yuan: 100,
        };
        assert_eq!(
            field_of(s.append_event(&n, pages, &actor).await)?,
            "basis.pages"
        );
        let ext = Event::Extended {
            on: d("2025-06-10"),
            approver: "主任\u{202e}".into(),
            days: 20,
            reason: "需调取档案".into(),
        };
        let head = Actor {
            name: "主任".into(),
            role: Role::Head,
            agency_id: actor.agency_id,
            department_id: None,
            supervised: Vec::new(),
        };
        assert_eq!(field_of(s.append_event(&n, ext, &head).await)?, "approver");
        let answered = Event::Answered {
            on: d("2025-06-11"),
            outcome: Outcome::Disclosed,
            letter_no: Some("  阜自然资公复〔2025〕1号 ".into()),
        };
        let rec = s.append_event(&n, answered, &actor).await?;
        let Event::Answered { letter_no, .. } = &rec.events[1].event else {
            bail!("answered")
        };
        assert_eq!(letter_no.as_deref(), Some("阜自然资公复〔2025〕1号"));
        // Registers, names, tokens.
        let mut p = publication("2020-01-01", None, None);
        p.title = "办法\u{200b}".into();
        assert_eq!(field_of(s.add_publication(a, p, &actor).await)?, "title");
        let stat = |value: f64, source: &str| Statistic {
            key: "licensing.decisions".into(),
            value,
            source: source.into(),
        };
        assert_eq!(
            field_of(s.set_statistic(a, 2025, stat(1e15, "系统"), &actor).await)?,
            "value"
        );
        assert_eq!(
            field_of(
                s.set_statistic(a, 2025, stat(1.0, "系\u{7}统"), &actor)
                    .await
            )?,
            "source"
        );
        let sections = Sections {
            overview: "总体情况\0".into(),
            ..Default::default()
        };
        assert_eq!(
            field_of(s.save_sections(a, 2025, &sections, &actor).await)?,
            "overview"
        );
        let big = Sections {
            problems: "问".repeat(50_001),
            ..Default::default()
        };
        assert_eq!(
            field_of(s.save_sections(a, 2025, &big, &actor).await)?,
            "problems"
        );
        assert_eq!(
            field_of(s.add_department(a, "\u{1b}[2J科室", &actor).await)?,
            "name"
        );
        let dept = s.add_department(a, "  利用 \t 科 ", &actor).await;
        assert_eq!(field_of(dept)?, "name", "a tab in a one-line name");
        assert_eq!(
            s.add_department(a, "  利用   科 ", &actor).await?.name,
            "利用 科"
        );
        let agency = NewAgency {
            slug: "other".into(),
            name: "\u{feff}另一机关".into(),
            is_government: false,
        };
        assert_eq!(
            field_of(s.create_agency(agency, &Actor::system()).await)?,
            "name"
        );
        let token = s
            .create_token("公开\u{200d}办", Role::Office, Some(a), &Actor::system())
            .await;
        assert_eq!(field_of(token)?, "name");
    }
    Ok(())
}

/// A request received 2025-12-01 and answered with a typo: 2026-01-05 instead of 2025-12-15.
async fn wrongly_answered(s: &Arc<dyn Store>, a: i64) -> Result<String> {
    let n = s
        .create_request(new_request(a, "2025-12-01"), &staff(a))
        .await?
        .number;
    let answered = Event::Answered {
        on: d("2026-01-05"),
        outcome: Outcome::Disclosed,
        letter_no: None,
    };
    s.append_event(&n, answered, &staff(a)).await?;
    Ok(n)
}

fn concluded_in(groups: &[gongkai_domain::report::RequestGroup]) -> i64 {
    groups
        .iter()
        .filter(|g| g.concluded_in_year == Some(Outcome::Disclosed))
        .map(|g| g.count)
        .sum()
}

#[tokio::test]
async fn the_head_voids_a_wrong_answer_and_the_report_follows() -> Result<()> {
    for backend in Backend::all() {
        let (ts, a) = setup(backend).await?;
        let s = &ts.store;
        let n = wrongly_answered(s, a).await?;
        assert_eq!(concluded_in(&s.request_groups(Some(a), 2025).await?), 0);
        assert_eq!(concluded_in(&s.request_groups(Some(a), 2026).await?), 1);
        let agency = s.agency_by_id(a).await?.unwrap();
        let before = gongkai_store::reporting::generate(s.as_ref(), &agency, 2025).await?;
        assert_eq!(before.requests.disclosed[6], Some(0));
        assert_eq!(before.requests.carried_forward[6], Some(1));
        let void = Event::Voided {
            on: d("2026-01-06"),
            seq: 2,
            reason: "答复日期录入错误，应为2025-12-15".into(),
        };
        // Who may void (the head) is the application's: crates/app/tests/roles.rs.
        let r = s.append_event(&n, void, &head(a)).await?;
        assert_eq!(r.status, Status::Processing, "reopened");
        assert_eq!(r.concluded_on, None);
        assert_eq!(r.events[1].voided_by, Some(3));
        assert_eq!(r.events[2].event.kind(), "voided");
        let log = s.audit_entries(0, 1000).await?;
        let entry = log.iter().rfind(|e| e.action == "request.voided").unwrap();
        assert_eq!(
            (entry.object.as_str(), entry.outcome.as_str()),
            (n.as_str(), "ok")
        );
        assert!(entry.actor.starts_with("head:"));
        assert_eq!(concluded_in(&s.request_groups(Some(a), 2026).await?), 0);
        // The right answer, and the 2025 report counts it.
        let answered = Event::Answered {
            on: d("2025-12-15"),
            outcome: Outcome::Disclosed,
            letter_no: None,
        };
        let r = s.append_event(&n, answered, &staff(a)).await?;
        assert_eq!(r.concluded_on, Some(d("2025-12-15")));
        assert_eq!(concluded_in(&s.request_groups(Some(a), 2025).await?), 1);
        assert!(s.request_groups(Some(a), 2026).await?.is_empty());
        let report = gongkai_store::reporting::generate(s.as_ref(), &agency, 2025).await?;
        assert_eq!(report.requests.disclosed[6], Some(1));
        assert_eq!(report.requests.carried_forward[6], Some(0));
        // The ledger kept everything: received, the wrong answer, the void, the answer.
        let r = s.request(&n).await?.unwrap();
        let kinds: Vec<&str> = r.events.iter().map(|e| e.event.kind()).collect();
        assert_eq!(kinds, ["received", "answered", "voided", "answered"]);
    }
    Ok(())
}

#[tokio::test]
async fn voids_that_cannot_be() -> Result<()> {
    for backend in Backend::all() {
        let (ts, a) = setup(backend).await?;
        let s = &ts.store;
        let n = wrongly_answered(s, a).await?;
        let void = |seq: u32| Event::Voided {
            on: d("2026-01-06"),
            seq,
            reason: "误录".into(),
        };
        let e = s.append_event(&n, void(1), &head(a)).await;
        assert!(
            matches!(&e, Err(StoreError::Domain(e)) if e.reason().contains("'received'")),
            "{e:?}"
        );
        let e = s.append_event(&n, void(9), &head(a)).await;
        assert!(matches!(e, Err(StoreError::Domain(_))), "{e:?}");
        // A consultation started and answered: voiding the start would leave an answer to nothing.
        let m = s
            .create_request(new_request(a, "2025-12-01"), &staff(a))
            .await?
            .number;
        for e in [
            Event::ConsultationStarted {
                on: d("2025-12-02"),
                party: gongkai_domain::request::ConsultedParty::ThirdParty,
                with: "某公司".into(),
            },
            Event::ConsultationAnswered {
                on: d("2025-12-10"),
            },
        ] {
            s.append_event(&m, e, &staff(a)).await?;
        }
        let e = s.append_event(&m, void(2), &head(a)).await;
        assert!(
            matches!(&e, Err(StoreError::Domain(e)) if e.reason().contains("does not hold")),
            "{e:?}"
        );
        assert_eq!(
            s.request(&m).await?.unwrap().events.len(),
            3,
            "nothing stored"
        );
        // A void in the future is refused like any event.
        let future = Event::Voided {
            on: d("2026-01-11"),
            seq: 2,
            reason: "误录".into(),
        };
        assert_eq!(field_of(s.append_event(&n, future, &head(a)).await)?, "on");
    }
    Ok(())
}
