//! Authorisation decided once, in the application layer, on every backend: an extension
//! (Art. 33) and a void are recorded only by the head of the agency's disclosure office, with
//! that head as the approver; an annual report is approved and published only by the head
//! (Art. 49); a deployment administrator is not the head; another agency's request, report or
//! case is "not found", the same as a missing one; the refusals are audited. The CLI and the
//! pages call the same methods, so they obey the same rules.

use std::sync::Arc;

use anyhow::Result;
use chrono::NaiveDate;
use gongkai_app::{App, AppError, ReviewCaseInput, TokenInput};
use gongkai_domain::clock::ChinaClock;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::report::{ReviewKind, ReviewResult};
use gongkai_domain::request::{Event, Status};
use gongkai_store::testing::{Backend, extension, fresh, member};
use gongkai_store::{Actor, RequestFilter, Role};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn only_the_head_extends_voids_approves_and_publishes_and_other_agencies_see_nothing()
-> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let app = App::new(s.clone(), Arc::new(ChinaClock));
        let agency =
            gongkai_store::testing::agency(s.as_ref(), "roles", "阜新市自然资源局").await?;
        let other = gongkai_store::testing::agency(s.as_ref(), "other", "另一机关").await?;
        let staff = member("经办人", Role::Office, agency.id);
        let head = member("负责人", Role::Head, agency.id);
        let other_head = member("别人", Role::Head, other.id);
        let other_staff = member("别处经办人", Role::Office, other.id);
        let created = s
            .create_request(
                gongkai_store::testing::new_request(agency.id, "2025-06-09"),
                &staff,
            )
            .await?;
        let n = &created.number;

        let refused = app.append_event(n, extension("经办人"), &staff).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden(_))),
            "staff: {refused:?}"
        );
        let refused = app
            .append_event(n, extension("负责人"), &Actor::system())
            .await;
        assert!(
            matches!(refused, Err(AppError::Forbidden(_))),
            "admin: {refused:?}"
        );
        let refused = app.append_event(n, extension("负责人"), &other_head).await;
        assert!(
            matches!(refused, Err(AppError::NotFound(_))),
            "another agency's head sees nothing: {refused:?}"
        );
        let refused = app.append_event(n, extension("市长"), &head).await;
        match refused {
            Err(AppError::Invalid(e)) => assert_eq!(e[0].field(), "approver"),
            other => panic!("a typed-in approver: {other:?}"),
        }
        let view = app.append_event(n, extension("负责人"), &head).await?;
        let record = &view.record;
        assert!(
            matches!(&record.events[1].event, Event::Extended { approver, .. } if approver == "负责人")
        );
        assert_eq!(record.events[1].actor, "head:负责人");
        // The refusals are audited (the other agency's head is told nothing and leaves no trace
        // of the request's existence beyond the 404).
        let rejected = s
            .audit_entries(0, 1000)
            .await?
            .into_iter()
            .filter(|e| e.action == "request.extended" && e.outcome != "ok")
            .count();
        assert_eq!(rejected, 3, "staff, admin and the typed-in approver");

        // Another agency's staff reads, lists and decrypts nothing.
        for r in [
            app.request_view(n, &other_staff).await.map(|_| ()),
            app.personal_data(n, &other_staff, "核对").await.map(|_| ()),
            app.list_requests("roles", &RequestFilter::default(), &other_staff)
                .await
                .map(|_| ()),
            app.append_event(
                n,
                Event::Withdrawn {
                    on: d("2025-06-21"),
                },
                &other_staff,
            )
            .await
            .map(|_| ()),
        ] {
            assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
        }
        assert!(
            matches!(
                app.personal_data(n, &Actor::public(), "核对").await,
                Err(AppError::NotFound(_))
            ),
            "the public sees no personal data"
        );

        // Only the head voids.
        let answered = app
            .append_event(
                n,
                Event::Answered {
                    on: d("2025-06-23"),
                    outcome: Outcome::Disclosed,
                    letter_no: None,
                },
                &staff,
            )
            .await?;
        assert_eq!(answered.record.status, Status::Answered);
        let void = Event::Voided {
            on: d("2025-06-24"),
            seq: 3,
            reason: "答复日期录入错误".into(),
        };
        let refused = app.append_event(n, void.clone(), &staff).await;
        assert!(
            matches!(&refused, Err(AppError::Forbidden(why)) if why.contains("head")),
            "{refused:?}"
        );
        assert!(
            s.audit_entries(0, 1000)
                .await?
                .iter()
                .any(|e| e.action == "request.voided"
                    && e.actor == "office:经办人"
                    && e.outcome.starts_with("rejected")),
            "the staff attempt is audited"
        );
        let reopened = app.append_event(n, void, &head).await?;
        assert_eq!(reopened.record.status, Status::Processing);

        // Review cases of another agency are not found.
        let case = app
            .add_review_case(
                "roles",
                ReviewCaseInput {
                    kind: ReviewKind::Reconsideration,
                    request_number: Some(n.clone()),
                    filed_on: d("2025-07-01"),
                    decided_on: None,
                    result: None,
                },
                &staff,
            )
            .await?;
        let r = app
            .decide_review_case(case, d("2025-07-02"), ReviewResult::Upheld, &other_staff)
            .await;
        assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
        let r = app
            .add_review_case(
                "roles",
                ReviewCaseInput {
                    kind: ReviewKind::Reconsideration,
                    request_number: None,
                    filed_on: d("2025-07-01"),
                    decided_on: Some(d("2025-07-02")),
                    result: None,
                },
                &staff,
            )
            .await;
        assert!(
            matches!(&r, Err(AppError::Invalid(e)) if e[0].field() == "result"),
            "{r:?}"
        );

        // Approving and publishing the annual report are the head's.
        gongkai_store::testing::write_sections(s.as_ref(), &agency, 2025, &staff).await?;
        assert!(matches!(
            app.create_version("roles", 2025, &other_staff).await,
            Err(AppError::NotFound(_))
        ));
        let v = app.create_version("roles", 2025, &staff).await?;
        for who in [&staff, &Actor::system()] {
            let r = app.approve(v.id, who).await;
            assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
        }
        let r = app.approve(v.id, &other_head).await;
        assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
        let early = app.publish(v.id, &head).await;
        assert!(
            matches!(early, Err(AppError::Transition { .. })),
            "a draft is not published: {early:?}"
        );
        let v = app.approve(v.id, &head).await?;
        for who in [&staff, &Actor::system()] {
            let r = app.publish(v.id, who).await;
            assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
        }
        let r = app.publish(v.id, &other_head).await;
        assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
        let v = app.publish(v.id, &head).await?;
        assert_eq!(v.status.code(), "published");
        let formats: Vec<&str> = v.files.iter().map(|(f, _)| f.as_str()).collect();
        for f in ["json", "md", "html", "docx", "pdf"] {
            assert!(formats.contains(&f), "{f} rendered and stored: {formats:?}");
        }
        let pdf = app
            .published_file("roles", 2025, gongkai_render::OutputFormat::Pdf)
            .await?;
        assert!(pdf.starts_with(b"%PDF"));

        // Administration is the administrator's: anyone else finds nothing.
        let token = TokenInput {
            name: "新同事".into(),
            role: "staff".into(),
            agency: Some("roles".into()),
            department: None,
            supervises: Vec::new(),
            days: None,
        };
        for who in [&staff, &head] {
            assert!(matches!(
                app.issue_token(&token, "days", who).await,
                Err(AppError::NotFound(_))
            ));
            assert!(matches!(app.tokens(who).await, Err(AppError::NotFound(_))));
            assert!(matches!(
                app.audit_entries(0, 10, who).await,
                Err(AppError::NotFound(_))
            ));
            assert!(matches!(
                app.add_department("roles", "办公室", who).await,
                Err(AppError::NotFound(_))
            ));
            let file = gongkai_domain::calendar::ScheduleFile::parse(r#"{"years": {}}"#)?;
            assert!(
                matches!(
                    app.import_calendar(file, who).await,
                    Err(AppError::NotFound(_))
                ),
                "only administrators change the calendar"
            );
        }
        let issued = app.issue_token(&token, "days", &Actor::system()).await?;
        assert!(matches!(
            app.revoke_token(issued.info.id, &staff).await,
            Err(AppError::NotFound(_))
        ));
        app.revoke_token(issued.info.id, &Actor::system()).await?;
        assert!(app.actor_for_token(&issued.token).await?.is_none());
        assert!(
            app.actor_for_session("anything").await?.is_none(),
            "an unknown session is no one"
        );
    }
    Ok(())
}
