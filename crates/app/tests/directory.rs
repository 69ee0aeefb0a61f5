//! The agency directory kept in memory (agencies, settings, departments, published report years,
//! the calendar): a change made through an App is seen by that App's next read at once; two
//! servers on one database with a time to live of zero see each other's changes at once; a
//! request and its ledger are never cached, whatever the time to live.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use gongkai_app::App;
use gongkai_domain::clock::{ChinaClock, Clock};
use gongkai_domain::request::{Event, Status};
use gongkai_store::testing::{Backend, fresh_pair, new_request};
use gongkai_store::{Actor, NewAgency};

fn agency(slug: &str) -> NewAgency {
    NewAgency {
        slug: slug.into(),
        name: "阜新市自然资源局".into(),
        is_government: false,
    }
}

#[tokio::test]
async fn a_change_shows_at_once_here_and_with_no_time_to_live_on_another_server() -> Result<()> {
    for backend in Backend::all() {
        let (ts, second) = fresh_pair(backend).await?;
        let here = App::new(ts.store.clone(), Arc::new(ChinaClock));
        let there =
            App::new(second.clone(), Arc::new(ChinaClock)).with_directory_ttl(Duration::ZERO);
        let cached_there = App::new(second, Arc::new(ChinaClock));
        let admin = Actor::system();

        // Read (and so cache) the empty directory on every App first.
        assert!(here.agencies().await?.is_empty());
        assert!(there.agencies().await?.is_empty());
        assert!(cached_there.agencies().await?.is_empty());

        here.create_agency(agency("fuxin"), &["用地科".to_string()], &admin)
            .await?;
        let a = here.agency("fuxin").await?;
        assert_eq!(
            a.name, "阜新市自然资源局",
            "{backend:?}: the creating App sees it at once"
        );
        assert_eq!(
            there.agency("fuxin").await?.id,
            a.id,
            "{backend:?}: ttl 0 reads the database"
        );
        assert!(
            cached_there.agency("fuxin").await.is_err(),
            "{backend:?}: another server keeps what it read for its time to live"
        );

        here.agency_settings(&a).await?;
        here.set_agency_settings("fuxin", [("phone", "0418-2800000")], &admin)
            .await?;
        let phone = |s: gongkai_domain::agency::AgencySettings| {
            s.get(gongkai_domain::agency::SettingKey::Phone)
                .map(str::to_string)
        };
        assert_eq!(
            phone(here.agency_settings(&a).await?).as_deref(),
            Some("0418-2800000")
        );
        assert_eq!(
            phone(there.agency_settings(&a).await?).as_deref(),
            Some("0418-2800000")
        );

        let (_, departments) = here.agency_with_departments("fuxin").await?;
        assert_eq!(departments.len(), 1);
        here.add_department("fuxin", "规划科", &admin).await?;
        let (_, departments) = here.agency_with_departments("fuxin").await?;
        assert_eq!(
            departments.len(),
            2,
            "{backend:?}: a new department shows at once"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_request_is_read_fresh_even_when_the_directory_is_cached() -> Result<()> {
    for backend in Backend::all() {
        let (ts, second) = fresh_pair(backend).await?;
        let admin = Actor::system();
        let here = App::new(ts.store.clone(), Arc::new(ChinaClock))
            .with_directory_ttl(Duration::from_secs(60));
        let a = here.create_agency(agency("fuxin"), &[], &admin).await?;
        let filed = ts
            .store
            .create_request(new_request(a.id, &ChinaClock.today().to_string()), &admin)
            .await?;
        let (number, code) = (filed.number, filed.query_code);
        let (_, view) = here.track_at("fuxin", &number, &code).await?;
        assert_eq!(view.status, Status::Processing);

        // Another server records the answer: this App's next look-up shows it.
        second
            .append_event(
                &number,
                Event::Withdrawn {
                    on: ChinaClock.today(),
                },
                &admin,
            )
            .await?;
        let (_, view) = here.track_at("fuxin", &number, &code).await?;
        assert_eq!(view.status, Status::Withdrawn, "{backend:?}");
        assert!(
            here.track_at("fuxin", &number, "wrong-code").await.is_err(),
            "{backend:?}: the code is still checked"
        );
    }
    Ok(())
}
