//! The API's own wire types (issue 9, section 1): no internal row ids where the store has them,
//! no JSON inside a JSON string, Chinese labels beside codes. The real server on a random port.

mod common;

use anyhow::Result;
use gongkai_store::testing::{Backend, fresh_with_clock};
use gongkai_store::{Actor, Role};
use gongkai_web::AppState;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Digest;

#[derive(serde::Deserialize)]
struct VersionWire {
    report: Box<serde_json::value::RawValue>,
    json_sha256: String,
}

#[tokio::test]
async fn staff_views_and_report_versions_are_wire_types_of_their_own() -> Result<()> {
    for backend in Backend::all() {
        let today = common::clock();
        let ts = fresh_with_clock(backend, today.clone()).await?;
        let store = ts.store.clone();
        let agency =
            gongkai_store::testing::agency(store.as_ref(), "fuxin-zrzyj", "阜新市自然资源局")
                .await?;
        let staff = store
            .create_token("公开办", Role::Office, Some(agency.id), &Actor::system())
            .await?;
        let (base, _) = common::serve(
            store,
            today,
            gongkai_web::ServerLimits::without_rate_limits(),
        )
        .await?;
        let http = reqwest::Client::new();

        let r = http
            .post(format!("{base}/api/v1/staff/agencies/fuxin-zrzyj/requests"))
            .bearer_auth(&staff)
            .json(&json!({
                "applicant": {"kind": "natural_person", "name": "李四",
                              "id_number": "11010519491231002X", "phone": "13800138000"},
                "description": "2020年某地块征收补偿方案",
                "channel": "in_person", "delivery": "collect", "arrived_on": "2025-06-09"
            }))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::CREATED);
        let number = r.json::<Value>().await?["number"]
            .as_str()
            .unwrap()
            .to_string();
        let view: Value = http
            .get(format!("{base}/api/v1/staff/requests/{number}"))
            .bearer_auth(&staff)
            .send()
            .await?
            .json()
            .await?;
        for internal in ["id", "agency_id"] {
            assert!(view.get(internal).is_none(), "no {internal}: {view}");
        }
        assert_eq!(view["number"], number.as_str());
        assert_eq!(view["status"], "processing");
        assert_eq!(view["status_label_zh"], "办理中");
        assert_eq!(view["id_number_masked"], "110105********002X");
        assert!(
            view["deadline"].is_object() && view["events"].is_array(),
            "{view}"
        );

        let r = http
            .post(format!(
                "{base}/api/v1/staff/agencies/fuxin-zrzyj/reports/2024/versions"
            ))
            .bearer_auth(&staff)
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::CREATED);
        let text = r.text().await?;
        let v: Value = serde_json::from_str(&text)?;
        assert!(
            v["report"].is_object(),
            "the report is JSON, not a string: {v}"
        );
        assert!(
            v.get("report_json").is_none() && v.get("agency_id").is_none(),
            "{v}"
        );
        assert_eq!(v["status"], "draft");
        assert_eq!(v["status_label_zh"], "草稿");
        let wire: VersionWire = serde_json::from_str(&text)?;
        assert_eq!(
            hex::encode(sha2::Sha256::digest(wire.report.get().as_bytes())),
            wire.json_sha256,
            "the embedded report is exactly the frozen bytes"
        );
        drop(ts);
    }
    Ok(())
}

/// Each route is declared once with its documentation: every API route of the router is in the
/// OpenAPI document with its methods, with the error answers added, and typed bodies.
#[tokio::test]
async fn the_document_has_every_route_declared_with_it() -> Result<()> {
    let ts = gongkai_store::testing::fresh(Backend::Sqlite).await?;
    let state = AppState::new(ts.store.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let limits = gongkai_web::ServerLimits::without_rate_limits();
    tokio::spawn(async move { gongkai_web::serve(listener, state, limits).await });
    let doc: Value = reqwest::get(format!("{base}/api/openapi.json"))
        .await?
        .json()
        .await?;
    let expected = [
        ("/api/v1/deadline", "get"),
        ("/api/v1/agencies", "get"),
        ("/api/v1/agencies/{agency}", "get"),
        ("/api/v1/agencies/{agency}/requests", "post"),
        ("/api/v1/requests/{number}", "get"),
        ("/api/v1/agencies/{agency}/reports/{year}/{format}", "get"),
        ("/api/v1/staff/agencies/{agency}/requests", "post"),
        ("/api/v1/staff/agencies/{agency}/requests", "get"),
        ("/api/v1/staff/requests/{number}", "get"),
        ("/api/v1/staff/requests/{number}/events", "post"),
        ("/api/v1/staff/requests/{number}/personal-data", "get"),
        ("/api/v1/staff/agencies/{agency}/reports/{year}", "get"),
        (
            "/api/v1/staff/agencies/{agency}/reports/{year}/cells/{cell}",
            "get",
        ),
        (
            "/api/v1/staff/agencies/{agency}/reports/{year}/sections",
            "put",
        ),
        (
            "/api/v1/staff/agencies/{agency}/reports/{year}/statistics",
            "post",
        ),
        (
            "/api/v1/staff/agencies/{agency}/reports/{year}/versions",
            "post",
        ),
        (
            "/api/v1/staff/agencies/{agency}/reports/{year}/versions",
            "get",
        ),
        ("/api/v1/staff/agencies/{agency}/publications", "post"),
        ("/api/v1/staff/agencies/{agency}/review-cases", "post"),
        ("/api/v1/staff/review-cases/{id}/decision", "post"),
        ("/api/v1/staff/report-versions/{id}/approve", "post"),
        ("/api/v1/staff/report-versions/{id}/publish", "post"),
        ("/api/v1/admin/agencies", "post"),
        ("/api/v1/admin/agencies/{agency}/departments", "post"),
        ("/api/v1/admin/tokens", "post"),
        ("/api/v1/admin/tokens", "get"),
        ("/api/v1/admin/tokens/{id}", "delete"),
        ("/api/v1/admin/tokens/{id}/revoke", "post"),
        ("/api/v1/admin/users", "post"),
        ("/api/v1/admin/users", "get"),
        ("/api/v1/admin/users/{login}/disable", "post"),
        ("/api/v1/admin/users/{login}/reset-password", "post"),
        ("/api/v1/admin/users/{login}/role", "post"),
        ("/api/v1/admin/calendar", "post"),
        ("/api/v1/admin/audit-log", "get"),
        ("/api/v1/admin/audit-log/verify", "get"),
    ];
    for (path, method) in expected {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} documented");
        assert!(
            op["responses"]["500"].is_object(),
            "{method} {path}: error answers added"
        );
    }
    assert_eq!(
        doc["paths"]["/api/v1/requests/{number}"]["get"]["responses"]["429"]["headers"]["Retry-After"]
            ["required"],
        true
    );
    let view = &doc["components"]["schemas"]["StaffRequestView"]["properties"];
    assert!(
        view["status_label_zh"].is_object() && view.get("agency_id").is_none(),
        "{view}"
    );
    let error = &doc["components"]["schemas"]["ErrorBody"]["properties"];
    assert!(error["message_zh"].is_object(), "{error}");
    Ok(())
}
