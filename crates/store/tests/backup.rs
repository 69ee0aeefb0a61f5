//! Backup and restore (issue 8, item 5): a backup taken while the store is open and being written
//! restores into a fresh place to the same annual report, an intact audit chain and personal
//! data that opens with the same key; the key is never in the backup. On both backends.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use gongkai_domain::applicant::ApplicantInput;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::report::{ReviewFact, ReviewKind, ReviewResult};
use gongkai_domain::request::{Channel, Delivery, Event};
use gongkai_store::backup::{self, KeyVerdict};
use gongkai_store::keys::KEY_FILE;
use gongkai_store::testing::{Backend, Deployment};
use gongkai_store::{Actor, Agency, NewRequest, Role, Statistic, Store, StoreError, reporting};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Puts `key` (hex) into a deployment's data directory, as an operator would.
/// Puts the 查询码 key the operator keeps with the PII key (neither is in a backup) into `dep`.
fn install_query_key(from: &Deployment, dep: &Deployment) -> Result<()> {
    let name = gongkai_store::keys::QUERY_KEY_FILE;
    std::fs::create_dir_all(&dep.dir)?;
    let to = dep.dir.join(name);
    std::fs::copy(from.dir.join(name), &to)?;
    std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}

fn install_key(dep: &Deployment, key: &str) -> Result<()> {
    std::fs::create_dir_all(&dep.dir)?;
    std::fs::set_permissions(&dep.dir, std::fs::Permissions::from_mode(0o700))?;
    let path = dep.key_path();
    std::fs::write(&path, key)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}

fn new_request(agency_id: i64, i: usize, received: &str) -> Result<NewRequest> {
    Ok(NewRequest {
        agency_id,
        applicant: ApplicantInput {
            kind: "natural_person".into(),
            name: format!("申请人{i}"),
            id_number: Some("11010519491231002X".into()),
            phone: format!("1390000{:04}", i % 10_000),
            ..Default::default()
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?,
        description: format!("第{i}件申请"),
        channel: Channel::Online,
        delivery: Delivery::Email,
        received_on: d(received),
        department_id: None,
        details: Default::default(),
    })
}

async fn agency(store: &Arc<dyn Store>, slug: &str) -> Result<Agency> {
    Ok(gongkai_store::testing::agency(store.as_ref(), slug, "某市自然资源局").await?)
}

/// A year of records: requests through their procedure, a review case, a publication, a figure,
/// and a published report. Returns the agency and the request numbers.
async fn a_year_of_records(store: &Arc<dyn Store>) -> Result<(Agency, Vec<String>)> {
    let a = agency(store, "bk-main").await?;
    let staff = Actor {
        name: "经办人".into(),
        role: Role::Office,
        agency_id: Some(a.id),
        department_id: None,
        supervised: Vec::new(),
    };
    let head = Actor {
        name: "负责人".into(),
        role: Role::Head,
        agency_id: Some(a.id),
        department_id: None,
        supervised: Vec::new(),
    };
    let mut numbers = Vec::new();
    let outcomes = [
        "disclosed",
        "partially_disclosed",
        "withheld.state_secret",
        "disclosed",
    ];
    for i in 0..8 {
        let r = store
            .create_request(new_request(a.id, i, "2024-03-04")?, &staff)
            .await?;
        match i % 4 {
            0..=2 => {
                store
                    .append_event(
                        &r.number,
                        Event::Answered {
                            on: d("2024-03-15"),
                            outcome: outcomes[i % 4].parse::<Outcome>()?,
                            letter_no: Some(format!("答复〔2024〕{i}号")),
                        },
                        &staff,
                    )
                    .await?;
            }
            _ => {
                store
                    .append_event(
                        &r.number,
                        Event::CorrectionRequested {
                            on: d("2024-03-06"),
                            items: "请明确地块位置".into(),
                            correct_by: d("2024-03-20"),
                        },
                        &staff,
                    )
                    .await?;
                store
                    .append_event(
                        &r.number,
                        Event::Corrected {
                            on: d("2024-03-11"),
                        },
                        &staff,
                    )
                    .await?;
            }
        }
        numbers.push(r.number);
    }
    store
        .add_review_case(
            a.id,
            Some(&numbers[2]),
            ReviewFact {
                kind: ReviewKind::Reconsideration,
                filed_on: d("2024-04-01"),
                decided: Some((d("2024-05-20"), ReviewResult::Upheld)),
            },
            &staff,
        )
        .await?;
    store
        .set_statistic(
            a.id,
            2024,
            Statistic {
                key: "licensing.decisions".into(),
                value: 12.0,
                source: "行政审批系统".into(),
            },
            &staff,
        )
        .await?;
    gongkai_store::testing::write_sections(store.as_ref(), &a, 2024, &staff).await?;
    let v = reporting::save_draft(store.as_ref(), &a, 2024, &staff).await?;
    let v = store.approve_report(v.id, &head).await?;
    reporting::publish(
        store.as_ref(),
        &v,
        vec![("md".into(), "# 2024年度报告".as_bytes().to_vec())],
        &head,
    )
    .await?;
    Ok((a, numbers))
}

/// Everything a restore must give back, read through the store.
async fn snapshot(
    store: &Arc<dyn Store>,
    a: &Agency,
    numbers: &[String],
) -> Result<serde_json::Value> {
    let report = reporting::generate(store.as_ref(), a, 2024).await?;
    let mut requests = Vec::new();
    for n in numbers {
        let r = store
            .request(n)
            .await?
            .with_context(|| format!("{n} restored"))?;
        let pii = store
            .personal_data(n, &Actor::system(), "核对申请人身份")
            .await?;
        requests.push(serde_json::json!({
            "record": serde_json::to_value(&r)?,
            "pii": serde_json::to_value(&pii)?,
        }));
    }
    let versions = store.report_versions(a.id, 2024).await?;
    let published = versions.last().context("a version")?;
    let md = store.report_file(published.id, "md").await?;
    Ok(serde_json::json!({
        "report": serde_json::to_value(&report)?,
        "requests": requests,
        "versions": versions.iter().map(|v| (v.version, v.status.code(), v.report_json.clone())).collect::<Vec<_>>(),
        "md": md.map(|b| String::from_utf8_lossy(&b).into_owned()),
    }))
}

#[tokio::test]
async fn a_backup_taken_while_writing_restores_to_the_same_records() -> Result<()> {
    for backend in Backend::all() {
        let src = Deployment::new(backend).await?;
        let store = src.open().await?;
        let (a, numbers) = a_year_of_records(&store).await?;
        let before = snapshot(&store, &a, &numbers).await?;

        // Another agency keeps filing while the backup runs.
        let busy = agency(&store, "bk-busy").await?;
        let stop = Arc::new(AtomicBool::new(false));
        let (first_tx, first_rx) = tokio::sync::oneshot::channel();
        let writer = {
            let (store, stop) = (store.clone(), stop.clone());
            tokio::spawn(async move {
                let mut filed = Vec::new();
                let mut first_tx = Some(first_tx);
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) || filed.len() < 2 {
                    let r = store
                        .create_request(new_request(busy.id, i, "2025-03-03")?, &Actor::system())
                        .await?;
                    filed.push(r.number);
                    if let Some(tx) = first_tx.take() {
                        let _ = tx.send(());
                    }
                    i += 1;
                }
                anyhow::Ok(filed)
            })
        };
        tokio::time::timeout(std::time::Duration::from_secs(30), first_rx).await??;
        let out = src.scratch().join("backup.gk");
        let summary = backup::backup(&src.location, &out).await?;
        stop.store(true, Ordering::SeqCst);
        let filed = writer.await??;
        assert!(
            summary.to_string().contains("the PII key is not in it"),
            "{summary}"
        );
        assert_eq!(
            std::fs::metadata(&out)?.permissions().mode() & 0o777,
            0o600,
            "{backend:?}: the backup file is private"
        );
        let key = std::fs::read_to_string(src.dir.join(KEY_FILE))?;
        let bytes = std::fs::read(&out)?;
        assert!(
            !bytes.windows(64).any(|w| w == key.trim().as_bytes()),
            "the key is not in the backup"
        );
        assert!(
            matches!(backup::backup(&src.location, &out).await, Err(StoreError::Backup(m)) if m.contains("never overwrites")),
            "an existing file is not overwritten"
        );

        // Restore into a fresh place that has the same key.
        let dst = Deployment::new(backend).await?;
        install_key(&dst, &key)?;
        install_query_key(&src, &dst)?;
        let restored = backup::restore(&dst.location, &dst.key_file(), &out, false).await?;
        assert!(
            restored.is_ready(),
            "{backend:?}: {:?}",
            restored.lines(&dst.dir)
        );
        assert!(restored.chain.is_ok(), "{}", restored.chain);
        if backend == Backend::Sqlite {
            assert_eq!(restored.integrity.as_deref(), Some("ok"));
            assert_eq!(
                std::fs::metadata(dst.dir.join("gongkai.sqlite3"))?
                    .permissions()
                    .mode()
                    & 0o777,
                0o600
            );
        }
        assert!(matches!(restored.key, KeyVerdict::Matches(_)));
        let copy = dst.open().await?;
        assert_eq!(snapshot(&copy, &a, &numbers).await?, before, "{backend:?}");
        let verified = copy.verify_audit_log().await?;
        assert!(verified.is_ok(), "{verified}");
        // The busy agency's filings come back as a prefix of what was filed, every one whole.
        let mut back = 0;
        for n in &filed {
            if let Some(r) = copy.request(n).await? {
                assert_eq!(
                    back,
                    filed.iter().position(|f| f == n).unwrap_or(usize::MAX)
                );
                assert_eq!(r.events.len(), 1);
                assert!(
                    copy.personal_data(n, &Actor::system(), "核对申请人身份")
                        .await
                        .is_ok()
                );
                back += 1;
            }
        }
        assert!(
            back >= 1,
            "{backend:?}: filings made before the backup are in it"
        );
        eprintln!(
            "{backend:?}: {back} of {} concurrent filings are in the backup",
            filed.len()
        );
        assert_eq!(restored.requests, (numbers.len() + back) as i64);
    }
    Ok(())
}

#[tokio::test]
async fn a_restore_without_the_key_says_so_and_never_overwrites() -> Result<()> {
    for backend in Backend::all() {
        let src = Deployment::new(backend).await?;
        let store = src.open().await?;
        let (_, numbers) = a_year_of_records(&store).await?;
        let out = src.scratch().join("backup.gk");
        backup::backup(&src.location, &out).await?;
        let key = std::fs::read_to_string(src.dir.join(KEY_FILE))?;

        let dst = Deployment::new(backend).await?;
        let restored = backup::restore(&dst.location, &dst.key_file(), &out, false).await?;
        assert_eq!(restored.key, KeyVerdict::Missing);
        assert!(!restored.is_ready());
        let said = restored.lines(&dst.dir).join("\n");
        assert!(
            said.contains(&format!(
                "the PII key is not in the backup: put the pii.key you keep elsewhere into {} (or set GONGKAI_PII_KEY) before starting",
                dst.dir.display()
            )),
            "{said}"
        );
        assert!(!dst.dir.join(KEY_FILE).exists(), "no key was made up");
        assert!(
            matches!(dst.open().await, Err(StoreError::Key(_))),
            "refused until the key is there"
        );
        install_key(&dst, &key)?;
        install_query_key(&src, &dst)?;
        let copy = dst.open().await?;
        assert!(
            copy.personal_data(&numbers[0], &Actor::system(), "核对申请人身份")
                .await
                .is_ok()
        );

        // A second restore into the same place is refused ...
        match backup::restore(&dst.location, &dst.key_file(), &out, false).await {
            Err(StoreError::Backup(m)) => match backend {
                Backend::Sqlite => assert!(m.contains("pass --force"), "{m}"),
                Backend::Postgres => assert!(m.contains("is not empty"), "{m}"),
            },
            other => bail!("{backend:?}: restored over existing data: {other:?}"),
        }
        if backend == Backend::Sqlite {
            // ... forced, it is refused while the database is in use ...
            match backup::restore(&dst.location, &dst.key_file(), &out, true).await {
                Err(StoreError::Backup(m)) => assert!(m.contains("is in use"), "{m}"),
                other => bail!("restored under a running store: {other:?}"),
            }
            assert!(
                copy.personal_data(&numbers[1], &Actor::system(), "核对申请人身份")
                    .await
                    .is_ok()
            );
            // ... and done when it is not, keeping the old file aside.
            let again = Deployment::new(backend).await?;
            install_key(&again, &key)?;
            install_query_key(&src, &again)?;
            backup::restore(&again.location, &again.key_file(), &out, false).await?;
            let restored = backup::restore(&again.location, &again.key_file(), &out, true).await?;
            assert!(restored.is_ready());
            let aside = restored.set_aside.context("kept aside")?;
            assert!(
                aside.exists()
                    && aside
                        .display()
                        .to_string()
                        .contains("gongkai.sqlite3.before-restore-")
            );
            assert!(again.open().await.is_ok());
        }
        drop(copy);
        // A file that is not a backup is refused and nothing is installed.
        let junk = src.scratch().join("junk");
        std::fs::write(
            &junk,
            b"not a database at all, just some bytes.......................",
        )?;
        let fresh = Deployment::new(backend).await?;
        assert!(
            backup::restore(&fresh.location, &fresh.key_file(), &junk, false)
                .await
                .is_err()
        );
        if backend == Backend::Sqlite {
            assert!(!fresh.dir.join("gongkai.sqlite3").exists());
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_restore_with_another_key_is_not_ready() -> Result<()> {
    for backend in Backend::all() {
        let src = Deployment::new(backend).await?;
        a_year_of_records(&src.open().await?).await?;
        let out: PathBuf = src.scratch().join("backup.gk");
        backup::backup(&src.location, &out).await?;
        let dst = Deployment::new(backend).await?;
        install_key(&dst, &"ab".repeat(32))?;
        let restored =
            backup::restore(&dst.location, &dst.key_file(), Path::new(&out), false).await?;
        match &restored.key {
            KeyVerdict::Refused(m) => assert!(m.contains("is not the key of the database"), "{m}"),
            other => bail!("{backend:?}: {other:?}"),
        }
        assert!(!restored.is_ready());
    }
    Ok(())
}
