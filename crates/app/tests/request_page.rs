//! What the request page stands on, on every backend: unmasking the applicant's personal data
//! is the disclosure office's and head's, needs a reason and is audited with it; internal notes
//! are append-only, audited and covered by the chain; the next steps come from the ledger.

use std::sync::Arc;

use anyhow::Result;
use chrono::NaiveDate;
use gongkai_app::{App, AppError};
use gongkai_domain::clock::FixedClock;
use gongkai_domain::request::EventKind;
use gongkai_store::testing::{Backend, TestStore, fresh_with_clock, member, new_request};
use gongkai_store::{Actor, Role};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A fresh store of `backend` on 2025-06-10, its application and the agency `slug`.
async fn setup(backend: Backend, slug: &str) -> Result<(TestStore, App, gongkai_store::Agency)> {
    let clock = Arc::new(FixedClock(d("2025-06-10")));
    let ts = fresh_with_clock(backend, clock.clone()).await?;
    let app = App::new(ts.store.clone(), clock);
    let agency = gongkai_store::testing::agency(ts.store.as_ref(), slug, "某局").await?;
    Ok((ts, app, agency))
}

#[tokio::test]
async fn unmasking_needs_the_office_and_a_reason_and_is_audited() -> Result<()> {
    for backend in Backend::all() {
        let (ts, app, agency) = setup(backend, "unmask").await?;
        let s = ts.store.clone();
        let dept = s
            .add_department(agency.id, "规划科", &Actor::system())
            .await?;
        let office = member("公开办", Role::Office, agency.id);
        let mut handler = member("承办人", Role::Handler, agency.id);
        handler.department_id = Some(dept.id);
        let mut request = new_request(agency.id, "2025-06-09");
        request.department_id = Some(dept.id);
        let n = s.create_request(request, &office).await?.number;

        // The handler sees the request (masked) but not the clear data.
        let view = app.request_view(&n, &handler).await?;
        assert_eq!(
            view.record.id_number_masked.as_deref(),
            Some("110105********002X")
        );
        let refused = app.personal_data(&n, &handler, "需要联系申请人").await;
        assert!(
            matches!(refused, Err(AppError::Forbidden(_))),
            "{refused:?}"
        );
        // The office needs a reason.
        match app.personal_data(&n, &office, "  ").await {
            Err(AppError::Invalid(e)) => {
                assert_eq!(e[0].field(), "reason");
                assert_eq!(e[0].reason_zh(), "请填写查看完整个人信息的理由");
            }
            other => panic!("no reason: {other:?}"),
        }
        // A reason must not carry a full ID number into the log.
        match app
            .personal_data(&n, &office, "核对11010519491231002X")
            .await
        {
            Err(AppError::Invalid(e)) => {
                assert_eq!(e[0].reason_zh(), "请勿填写完整的身份证件号码")
            }
            other => panic!("an ID number in the reason: {other:?}"),
        }
        let clear = app
            .personal_data(&n, &office, "电话联系申请人确认补正内容")
            .await?;
        assert_eq!(clear.id_number.as_deref(), Some("11010519491231002X"));
        let log = s.audit_entries(0, 1000).await?;
        let views: Vec<_> = log
            .iter()
            .filter(|e| e.action == "request.personal_data_viewed")
            .collect();
        assert_eq!(views.len(), 2, "the refusal and the view: {views:?}");
        assert!(views[0].outcome.contains("disclosure office"));
        assert_eq!(views[1].outcome, "ok; reason: 电话联系申请人确认补正内容");
        assert_eq!(views[1].object, n);
        assert!(
            log.iter()
                .all(|e| !e.outcome.contains("11010519491231002X")),
            "the log never holds the ID number"
        );

        // The steps the ledger allows today, for the page's forms.
        assert_eq!(
            view.next_steps,
            vec![
                EventKind::CorrectionRequested,
                EventKind::ConsultationStarted,
                EventKind::Extended,
                EventKind::FeeNoticed,
                EventKind::Answered,
                EventKind::Withdrawn
            ]
        );
    }
    Ok(())
}

#[tokio::test]
async fn internal_notes_are_append_only_audited_and_in_the_chain() -> Result<()> {
    for backend in Backend::all() {
        let (ts, app, agency) = setup(backend, "notes").await?;
        let s = ts.store.clone();
        let other = gongkai_store::testing::agency(s.as_ref(), "other", "另一局").await?;
        let office = member("公开办", Role::Office, agency.id);
        let n = s
            .create_request(new_request(agency.id, "2025-06-09"), &office)
            .await?
            .number;

        let note = app
            .add_note(&n, " 已电话联系申请人，\r\n对方同意补正。 ", &office)
            .await?;
        assert_eq!(note.body, "已电话联系申请人，\n对方同意补正。");
        assert_eq!(note.author, office.label());
        app.add_note(&n, "第二条", &office).await?;
        let notes = app.notes(&n, &office).await?;
        assert_eq!(
            notes.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(),
            ["已电话联系申请人，\n对方同意补正。", "第二条"]
        );
        assert!(matches!(
            app.add_note(&n, "申请人证件号11010519491231002X", &office)
                .await,
            Err(AppError::Invalid(_))
        ));
        match app.add_note(&n, "", &office).await {
            Err(AppError::Invalid(e)) => assert_eq!(e[0].reason_zh(), "请填写备注内容"),
            other => panic!("empty note: {other:?}"),
        }
        // Another agency sees nothing, as for a missing number.
        let stranger = member("别人", Role::Office, other.id);
        assert!(matches!(
            app.notes(&n, &stranger).await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            app.add_note(&n, "x", &stranger).await,
            Err(AppError::NotFound(_))
        ));
        // A supervisor reads but does not write.
        let mut supervisor = Actor::new("督查", Role::Supervisor, None);
        supervisor.supervised = vec![agency.id];
        assert_eq!(app.notes(&n, &supervisor).await?.len(), 2);
        assert!(matches!(
            app.add_note(&n, "x", &supervisor).await,
            Err(AppError::Forbidden(_))
        ));

        // Audited, covered by the chain, refused an edit.
        let log = s.audit_entries(0, 1000).await?;
        let added: Vec<_> = log
            .iter()
            .filter(|e| e.action == "request.note_added")
            .collect();
        assert_eq!(added.len(), 2);
        assert!(added.iter().all(|e| e.payload_hash.is_some()));
        let report = s.verify_audit_log().await?;
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(
            ts.raw_exec("UPDATE request_notes SET body = 'x'")
                .await
                .is_err()
        );
        assert!(ts.raw_exec("DELETE FROM request_notes").await.is_err());
    }
    Ok(())
}
