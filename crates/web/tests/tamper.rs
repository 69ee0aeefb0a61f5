//! A published report file forged in the database (triggers dropped) is not served: the public
//! download answers 500 with the JSON error body, and the refusal is audited (issue 8, item 3).

use anyhow::Result;
use gongkai_store::testing::{Backend, fresh};
use gongkai_store::{Actor, Role, reporting};
use serde_json::Value;

#[tokio::test]
async fn a_forged_published_file_is_refused_with_a_json_500_and_audited() -> Result<()> {
    for backend in Backend::all() {
        let ts = fresh(backend).await?;
        let s = ts.store.clone();
        let agency =
            gongkai_store::testing::agency(s.as_ref(), "fuxin-zrzyj", "阜新市自然资源局").await?;
        let head = Actor {
            name: "负责人".into(),
            role: Role::Head,
            agency_id: Some(agency.id),
            department_id: None,
            supervised: Vec::new(),
        };
        gongkai_store::testing::write_sections(s.as_ref(), &agency, 2024, &head).await?;
        let v = reporting::save_draft(s.as_ref(), &agency, 2024, &head).await?;
        let v = s.approve_report(v.id, &head).await?;
        reporting::publish(
            s.as_ref(),
            &v,
            vec![("md".into(), b"# report".to_vec())],
            &head,
        )
        .await?;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!(
            "http://{}/api/v1/agencies/fuxin-zrzyj/reports/2024/md",
            listener.local_addr()?
        );
        tokio::spawn(gongkai_web::serve(
            listener,
            gongkai_web::AppState::new(s.clone()),
            gongkai_web::ServerLimits::without_rate_limits(),
        ));
        let r = reqwest::get(&url).await?;
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await?.as_ref(), b"# report");

        let drop = if backend == Backend::Postgres {
            "DROP TRIGGER report_files_frozen ON report_files"
        } else {
            "DROP TRIGGER report_files_frozen"
        };
        ts.raw_exec(drop).await?;
        let blob = if backend == Backend::Postgres {
            "BYTEA"
        } else {
            "BLOB"
        };
        let n = ts
            .raw_exec(&format!(
                "UPDATE report_files SET body = CAST('# forged' AS {blob}) WHERE format = 'md'"
            ))
            .await?;
        assert_eq!(n, 1);
        let r = reqwest::get(&url).await?;
        assert_eq!(r.status(), 500, "{backend:?}: the forgery is not served");
        let body: Value = r.json().await?;
        assert_eq!(body["error"], "internal", "{body}");
        assert!(!body.to_string().contains("forged"));
        let log = s.audit_entries(0, 1000).await?;
        assert!(
            log.iter().any(|e| e.action == "report.file_tampered"),
            "audited"
        );
    }
    Ok(())
}
