//! Token lifetime (expiry, revocation) and the shared calendar (an import reaches every process;
//! provisional years skip the statutory holidays; incomplete notices are refused), on every
//! backend.

use std::sync::Arc;

use anyhow::Result;
use chrono::{Duration, NaiveDate, Utc};
use gongkai_domain::calendar::{NoticeDay, ScheduleFile, YearSchedule, statutory_holidays};
use gongkai_domain::request::Event;
use gongkai_store::testing::{Backend, fresh, fresh_pair, new_request};
use gongkai_store::{Actor, NewToken, Role, Store, StoreError, TokenStatus};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn agency(store: &Arc<dyn Store>, slug: &str) -> Result<i64> {
    let a = gongkai_store::testing::agency(store.as_ref(), slug, "阜新市自然资源局").await?;
    Ok(a.id)
}

fn head(agency_id: i64) -> Actor {
    Actor {
        name: "王主任".into(),
        role: Role::Head,
        agency_id: Some(agency_id),
        department_id: None,
        supervised: Vec::new(),
    }
}

/// A notice for 2027 giving every statutory holiday off, and `extra` days too.
fn notice_2027(extra: &[&str]) -> ScheduleFile {
    let mut off: Vec<NoticeDay> = statutory_holidays(2027).to_vec();
    off.extend(extra.iter().map(|e| NoticeDay {
        date: d(e),
        holiday: "元旦".into(),
    }));
    let mut file = ScheduleFile {
        about: String::new(),
        years: Default::default(),
    };
    file.years.insert(
        2027,
        YearSchedule {
            off,
            workday: vec![],
            notices: vec![],
        },
    );
    file
}

/// Received Fri 2026-11-20 and extended by 20 working days on 2026-11-30: 40 working days from
/// Mon 11-23 run to 2027-01-18 when only 元旦 (Fri 01-01) is skipped in January.
fn extension() -> Event {
    Event::Extended {
        on: d("2026-11-30"),
        approver: "王主任".into(),
        days: 20,
        reason: "需要调取档案".into(),
    }
}

#[tokio::test]
async fn tokens_expire_can_be_revoked_and_fail_at_once() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let a = agency(&s, "fuxin-zrzyj").await?;
        let admin = Actor::system();
        let issued = s
            .issue_token(
                &NewToken {
                    name: "公开办".into(),
                    role: Role::Office,
                    agency_id: Some(a),
                    department_id: None,
                    supervised: Vec::new(),
                    days: 7,
                },
                &admin,
            )
            .await?;
        let info = &issued.info;
        assert_eq!(
            info.expires_at - info.created_at,
            Duration::days(7),
            "{backend:?}"
        );
        let now = Utc::now();
        let actor = s.actor_for_token(&issued.token).await?.expect("valid now");
        assert_eq!((actor.role, actor.agency_id), (Role::Office, Some(a)));
        assert!(
            s.actor_for_token_at(&issued.token, info.expires_at - Duration::seconds(1))
                .await?
                .is_some(),
            "valid until it expires"
        );
        assert!(
            s.actor_for_token_at(&issued.token, info.expires_at)
                .await?
                .is_none(),
            "{backend:?}: expired at expires_at"
        );
        assert!(
            s.actor_for_token_at(&issued.token, now + Duration::days(8))
                .await?
                .is_none()
        );

        // The default lifetime is 90 days.
        let admin_token = s.create_token("root", Role::Sysadmin, None, &admin).await?;
        let listed = s.tokens(&admin).await?;
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0], issued.info);
        assert_eq!(
            listed[1].expires_at - listed[1].created_at,
            Duration::days(90)
        );
        assert_eq!(listed[0].agency.as_deref(), Some("fuxin-zrzyj"));
        let json = serde_json::to_string(&listed)?;
        for secret in [&issued.token, &admin_token] {
            assert!(
                !json.contains(secret.as_str()),
                "a listing never shows a token"
            );
        }
        assert!(!json.contains("hash"), "{json}");

        // Revocation takes effect on the next request.
        assert!(
            s.actor_for_token(&issued.token).await?.is_some(),
            "valid before"
        );
        let revoked = s.revoke_token(info.id, &admin).await?;
        assert_eq!(revoked.status_at(Utc::now()), TokenStatus::Revoked);
        assert!(
            s.actor_for_token(&issued.token).await?.is_none(),
            "{backend:?}"
        );
        assert!(
            s.actor_for_token_at(&issued.token, info.created_at)
                .await?
                .is_none(),
            "revoked whatever the time"
        );
        assert!(matches!(
            s.revoke_token(info.id, &admin).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            s.revoke_token(9999, &admin).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(
            s.actor_for_token(&admin_token).await?.is_some(),
            "others unaffected"
        );

        // Bounds, and the audit trail of both actions.
        for days in [0, 367] {
            let refused = s
                .issue_token(
                    &NewToken {
                        name: "x".into(),
                        role: Role::Sysadmin,
                        agency_id: None,
                        department_id: None,
                        supervised: Vec::new(),
                        days,
                    },
                    &admin,
                )
                .await;
            assert!(matches!(refused, Err(StoreError::Domain(e)) if e.field() == "days"));
        }
        let log = s.audit_entries(0, 100).await?;
        let actions: Vec<(&str, &str)> = log
            .iter()
            .filter(|e| e.action.starts_with("token."))
            .map(|e| (e.action.as_str(), e.object.as_str()))
            .collect();
        let first = format!("token:{} office:公开办", info.id);
        assert_eq!(
            actions,
            [
                ("token.create", first.as_str()),
                ("token.create", "token:2 sysadmin:root"),
                ("token.revoke", first.as_str()),
            ]
        );
        assert!(
            !log.iter()
                .any(|e| e.object.contains(&issued.token) || e.outcome.contains(&issued.token))
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_import_through_one_store_reaches_another_on_the_same_database() -> Result<()> {
    for backend in Backend::all() {
        let (ts, other) = fresh_pair(backend).await?;
        let importer = ts.store.clone();
        let a = agency(&importer, "fuxin-zrzyj").await?;
        // The other process files and extends a request into 2027, which has no notice.
        let r = other
            .create_request(new_request(a, "2026-11-20"), &Actor::public())
            .await?;
        assert!(!r.due_provisional);
        let rec = other.append_event(&r.number, extension(), &head(a)).await?;
        assert_eq!(
            rec.due_on,
            Some(d("2027-01-18")),
            "{backend:?}: 元旦 skipped, provisionally"
        );
        assert!(rec.due_provisional);
        assert!(!other.current_calendar().await?.is_year_known(2027));

        // The notice arrives through the first store (`gongkai calendar import` on the CLI).
        let summary = importer
            .import_calendar(notice_2027(&["2027-01-04"]), &Actor::system())
            .await?;
        assert_eq!((summary.recomputed, summary.changed), (1, 1));

        // The other store's next deadline uses it: the staff view, a new filing, a new event.
        assert!(
            other.current_calendar().await?.is_year_known(2027),
            "{backend:?}"
        );
        let stored = other.request(&r.number).await?.unwrap();
        assert_eq!(stored.due_on, Some(d("2027-01-19")));
        assert!(!stored.due_provisional);
        let r2 = other
            .create_request(new_request(a, "2026-11-20"), &Actor::public())
            .await?;
        let rec2 = other
            .append_event(&r2.number, extension(), &head(a))
            .await?;
        assert_eq!(
            rec2.due_on,
            Some(d("2027-01-19")),
            "{backend:?}: the write path reloaded"
        );
        assert!(!rec2.due_provisional);

        // A second import (01-04 a working day again) reaches it as well.
        importer
            .import_calendar(notice_2027(&[]), &Actor::system())
            .await?;
        let r3 = other
            .create_request(new_request(a, "2026-11-20"), &Actor::public())
            .await?;
        let rec3 = other
            .append_event(&r3.number, extension(), &head(a))
            .await?;
        assert_eq!(rec3.due_on, Some(d("2027-01-18")));
        assert!(!rec3.due_provisional);
    }
    Ok(())
}

#[tokio::test]
async fn an_incomplete_notice_is_refused_and_a_complete_one_makes_the_year_final() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let a = agency(&s, "fuxin-zrzyj").await?;
        let r = s
            .create_request(new_request(a, "2026-11-20"), &Actor::public())
            .await?;
        s.append_event(&r.number, extension(), &head(a)).await?;

        let mut only_spring_festival = notice_2027(&[]);
        only_spring_festival
            .years
            .get_mut(&2027)
            .unwrap()
            .off
            .retain(|o| o.holiday == "春节");
        let refused = s
            .import_calendar(only_spring_festival, &Actor::system())
            .await;
        let Err(StoreError::Domain(e)) = refused else {
            panic!("{backend:?}: an import of 春节 alone was accepted: {refused:?}");
        };
        assert_eq!(e.field(), "schedule.years.2027");
        for missing in ["元旦 2027-01-01", "清明节 2027-04-05", "国庆节 2027-10-01"] {
            assert!(e.reason().contains(missing), "{missing}: {e}");
        }
        assert!(
            !s.current_calendar().await?.is_year_known(2027),
            "nothing stored"
        );
        let rec = s.request(&r.number).await?.unwrap();
        assert!(rec.due_provisional, "still provisional");
        let log = s.audit_entries(0, 100).await?;
        assert!(
            log.iter()
                .any(|e| e.action == "calendar.import" && e.outcome.starts_with("rejected")),
            "the refusal is audited"
        );

        s.import_calendar(notice_2027(&[]), &Actor::system())
            .await?;
        assert!(s.current_calendar().await?.is_year_known(2027));
        let rec = s.request(&r.number).await?.unwrap();
        assert_eq!(rec.due_on, Some(d("2027-01-18")));
        assert!(
            !rec.due_provisional,
            "{backend:?}: final once the notice is complete"
        );
    }
    Ok(())
}
