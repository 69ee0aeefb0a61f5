//! What the store records of who acted, on every backend: the head's extension carries the
//! head as approver and actor; listings carry `concluded_on`; approve and publish move a
//! version on. (Who may act is decided in the application layer: crates/app/tests/roles.rs.)

use anyhow::Result;
use chrono::NaiveDate;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::request::Event;
use gongkai_store::testing::{Backend, extension, fresh, member};
use gongkai_store::{RequestFilter, Role, reporting};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn the_head_is_the_approver_recorded() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let agency =
            gongkai_store::testing::agency(s.as_ref(), "roles", "阜新市自然资源局").await?;
        let staff = member("经办人", Role::Office, agency.id);
        let head = member("负责人", Role::Head, agency.id);
        let created = s
            .create_request(
                gongkai_store::testing::new_request(agency.id, "2025-06-09"),
                &staff,
            )
            .await?;
        let n = &created.number;

        let record = s.append_event(n, extension("负责人"), &head).await?;
        assert!(
            matches!(&record.events[1].event, Event::Extended { approver, .. } if approver == "负责人")
        );
        assert_eq!(record.events[1].actor, "head:负责人");
        // Listings carry concluded_on.
        s.append_event(
            n,
            Event::Answered {
                on: d("2025-06-23"),
                outcome: Outcome::Disclosed,
                letter_no: None,
            },
            &staff,
        )
        .await?;
        let list = s
            .list_requests(
                agency.id,
                &RequestFilter {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await?;
        assert_eq!(list[0].concluded_on, Some(d("2025-06-23")));

        // Approving and publishing the annual report are the head's.
        gongkai_store::testing::write_sections(s.as_ref(), &agency, 2025, &staff).await?;
        let v = reporting::save_draft(s.as_ref(), &agency, 2025, &staff).await?;
        let v = s.approve_report(v.id, &head).await?;
        let v = s
            .publish_report(v.id, vec![("md".into(), b"# report".to_vec())], &head)
            .await?;
        assert_eq!(v.status.code(), "published");
    }
    Ok(())
}
