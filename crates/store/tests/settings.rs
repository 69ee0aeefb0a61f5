//! Agency settings (机关设置) on every backend: set, read back, cleared, isolated per agency,
//! audited; and slugs that would shadow the site's own paths refused.

use anyhow::Result;
use gongkai_domain::agency::{SettingChange, SettingKey};
use gongkai_store::testing::{Backend, fresh};
use gongkai_store::{Actor, NewAgency, Role, StoreError};

fn changes(pairs: &[(&str, &str)]) -> Vec<SettingChange> {
    SettingChange::parse_all(pairs.iter().copied()).expect("valid changes")
}

#[tokio::test]
async fn settings_are_stored_cleared_isolated_and_audited() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let a =
            gongkai_store::testing::agency(s.as_ref(), "fuxin-zrzyj", "阜新市自然资源局").await?;
        let b = gongkai_store::testing::agency(s.as_ref(), "other", "另一机关").await?;
        assert!(
            s.agency_settings(a.id).await?.iter().next().is_none(),
            "{backend:?}: none set at first"
        );

        let after = s
            .set_agency_settings(
                a.id,
                &changes(&[
                    ("office_name", "阜新市自然资源局办公室"),
                    ("phone", "0418-2812345"),
                    ("postcode", "123000"),
                ]),
                &Actor::system(),
            )
            .await?;
        assert_eq!(after.get(SettingKey::Phone), Some("0418-2812345"));
        let read = s.agency_settings(a.id).await?;
        assert_eq!(read, after, "{backend:?}: read back as set");
        assert_eq!(
            read.get(SettingKey::OfficeName),
            Some("阜新市自然资源局办公室")
        );
        assert!(
            s.agency_settings(b.id)
                .await?
                .get(SettingKey::Phone)
                .is_none(),
            "{backend:?}: per agency"
        );

        // A second change updates one key and clears another; the rest stay.
        s.set_agency_settings(
            a.id,
            &changes(&[("phone", "0418-2899999"), ("postcode", "")]),
            &Actor::system(),
        )
        .await?;
        let read = s.agency_settings(a.id).await?;
        assert_eq!(read.get(SettingKey::Phone), Some("0418-2899999"));
        assert_eq!(read.get(SettingKey::Postcode), None);
        assert_eq!(
            read.get(SettingKey::OfficeName),
            Some("阜新市自然资源局办公室")
        );

        // Staff of another agency cannot change them (isolation), and nothing changed.
        let other_staff = Actor {
            name: "乙".into(),
            role: Role::Office,
            agency_id: Some(b.id),
            department_id: None,
            supervised: Vec::new(),
        };
        let e = s
            .set_agency_settings(a.id, &changes(&[("phone", "0418-2800000")]), &other_staff)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{backend:?}: {e}");
        assert_eq!(
            s.agency_settings(a.id).await?.get(SettingKey::Phone),
            Some("0418-2899999")
        );

        let entries = s.audit_entries(0, 1000).await?;
        let set: Vec<_> = entries
            .iter()
            .filter(|e| e.action == "agency.settings")
            .collect();
        assert_eq!(set.len(), 2, "{backend:?}: each change audited once");
        assert!(set[1].object.contains("phone") && set[1].object.contains("postcode"));
        assert!(
            s.verify_audit_log().await?.is_ok(),
            "{backend:?}: the chain verifies"
        );
    }
    Ok(())
}

#[tokio::test]
async fn slugs_of_the_sites_own_paths_are_refused() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        for slug in ["api", "assets", "mode", "health"] {
            let e = ts
                .store
                .create_agency(
                    NewAgency {
                        slug: slug.into(),
                        name: "某机关".into(),
                        is_government: false,
                    },
                    &Actor::system(),
                )
                .await
                .unwrap_err();
            assert!(
                e.to_string().contains("reserved"),
                "{backend:?} {slug}: {e}"
            );
        }
        assert!(ts.store.agencies().await?.is_empty());
        ts.store
            .create_agency(
                NewAgency {
                    slug: "api-office".into(),
                    name: "某机关".into(),
                    is_government: false,
                },
                &Actor::system(),
            )
            .await?;
    }
    Ok(())
}
