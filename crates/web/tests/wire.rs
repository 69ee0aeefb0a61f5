//! The API's own wire types (issue 9, section 1): no internal row ids where the store has them,
//! no JSON inside a JSON string, Chinese labels beside codes. The real server on a random port.

mod common;

use anyhow::Result;
use gongkai_store::testing::Backend;
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
        let deployment = common::seeded(backend).await?;
        let (base, staff) = (&deployment.base, &deployment.staff);
        let http = reqwest::Client::new();

        let number = deployment.register().await?;
        let view: Value = http
            .get(format!("{base}/api/v1/staff/requests/{number}"))
            .bearer_auth(staff)
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
            .bearer_auth(staff)
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
        drop(deployment);
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
        ("/api/v1/staff/requests/{number}/attachments", "post"),
        ("/api/v1/staff/requests/{number}/attachments", "get"),
        ("/api/v1/staff/requests/{number}/attachments/{id}", "get"),
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

/// The OpenAPI document of a fresh server.
async fn document() -> Result<Value> {
    let ts = gongkai_store::testing::fresh(Backend::Sqlite).await?;
    let (base, _) = common::serve(
        ts.store.clone(),
        common::clock(),
        gongkai_web::ServerLimits::without_rate_limits(),
    )
    .await?;
    let doc = reqwest::get(format!("{base}/api/openapi.json"))
        .await?
        .json()
        .await?;
    drop(ts);
    Ok(doc)
}

/// The schema `$ref` names, else the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => resolve(
            doc,
            &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
        ),
        None => schema,
    }
}

/// Every place under `schema` that says nothing of its value: `{}` or an object without
/// properties (a map's values are described by `additionalProperties`).
fn untyped(doc: &Value, schema: &Value, at: String, seen: &mut Vec<String>, out: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        if seen.iter().any(|s| s == r) {
            return;
        }
        seen.push(r.to_string());
        return untyped(doc, resolve(doc, schema), format!("{at}->{r}"), seen, out);
    }
    let Some(fields) = schema.as_object() else {
        return;
    };
    let says = |k: &str| fields.contains_key(k);
    let is_object = match &schema["type"] {
        Value::String(t) => t == "object",
        Value::Array(ts) => ts.iter().any(|t| t == "object"),
        _ => false,
    };
    let composed = ["allOf", "oneOf", "anyOf"].iter().any(|k| says(k));
    if !says("type") && !composed && !says("enum") && !says("const")
        || is_object && !says("properties") && !says("additionalProperties") && !composed
        || schema["additionalProperties"] == true
    {
        out.push(at.clone());
    }
    for (name, property) in fields
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        untyped(doc, property, format!("{at}.{name}"), seen, out);
    }
    for k in ["allOf", "oneOf", "anyOf"] {
        for (i, part) in fields
            .get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            untyped(doc, part, format!("{at}[{k} {i}]"), seen, out);
        }
    }
    for k in ["items", "additionalProperties"] {
        if let Some(inner) = fields.get(k).filter(|v| v.is_object()) {
            untyped(doc, inner, format!("{at}.{k}"), seen, out);
        }
    }
}

/// Every request body and every JSON answer of every operation says what it holds, all the way
/// down: no `Object`, no `{}` (a client generated from the document gets real types).
#[tokio::test]
async fn no_operation_has_an_untyped_body_or_response() -> Result<()> {
    let doc = document().await?;
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let mut bodies: Vec<(String, &Value)> = Vec::new();
            for (ct, c) in op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                bodies.push((format!("{method} {path} body {ct}"), &c["schema"]));
            }
            for (status, r) in op["responses"].as_object().into_iter().flatten() {
                for (ct, c) in r["content"].as_object().into_iter().flatten() {
                    bodies.push((format!("{method} {path} {status} {ct}"), &c["schema"]));
                }
            }
            for (at, schema) in bodies {
                untyped(&doc, schema, at, &mut Vec::new(), &mut out);
            }
        }
    }
    assert!(out.is_empty(), "untyped: {out:#?}");
    // The report, the calendar notice file and the public ledger are described by their types.
    let report = resolve(&doc, &doc["components"]["schemas"]["Report"]);
    let keys: Vec<&String> = report["properties"]
        .as_object()
        .expect("typed")
        .keys()
        .collect();
    let table_keys = ["proactive", "requests", "review"];
    let all = [
        &["agency", "findings", "format"][..],
        &table_keys,
        &["sections", "year"],
    ]
    .concat();
    assert_eq!(keys, all, "{report}");
    let import = &doc["paths"]["/api/v1/admin/calendar"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"];
    assert_eq!(
        import["$ref"], "#/components/schemas/ScheduleFile",
        "{import}"
    );
    Ok(())
}

/// Whether `value` has the shape `schema` gives it: every key of every object a property of
/// its schema, every required one present (through `$ref`, `allOf`, `oneOf`). `Err` says where not.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if let Some(parts) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        return parts
            .iter()
            .find(|p| conforms(doc, p, value, at).is_ok())
            .map(|_| ())
            .ok_or_else(|| format!("{at}: no alternative fits {value}"));
    }
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    let mut gather = |s: &Value| {
        let s = resolve(doc, s);
        properties.extend(s["properties"].as_object().cloned().unwrap_or_default());
        required.extend(s["required"].as_array().cloned().unwrap_or_default());
    };
    gather(schema);
    for part in schema["allOf"].as_array().into_iter().flatten() {
        gather(part);
    }
    match value {
        Value::Object(map) if !properties.is_empty() => {
            for r in &required {
                let r = r.as_str().unwrap_or_default();
                if !map.contains_key(r) {
                    return Err(format!("{at}.{r}: required, absent"));
                }
            }
            for (k, v) in map {
                let Some(p) = properties.get(k) else {
                    return Err(format!("{at}.{k}: not in the schema"));
                };
                conforms(doc, p, v, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| conforms(doc, &schema["items"], v, &format!("{at}[{i}]"))),
        _ => Ok(()),
    }
}

/// The typed schemas describe what the server really sends: the report of each national format
/// with its findings, a report version, a request as its applicant tracks it.
#[tokio::test]
async fn the_typed_schemas_describe_the_real_answers() -> Result<()> {
    let deployment = common::seeded(Backend::Sqlite).await?;
    let (base, staff) = (deployment.base.clone(), deployment.staff.clone());
    let http = reqwest::Client::new();
    let doc: Value = http
        .get(format!("{base}/api/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    let schema_of = |path: &str, method: &str, status: &str| {
        doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
            .clone()
    };

    let filing = json!({
        "applicant": {"kind": "natural_person", "name": "李四",
                      "id_number": "11010519491231002X", "phone": "13800138000"},
        "description": "2020年某地块征收补偿方案", "document_title": "关于某地块的批复",
        "delivery": "collect", "medium": "paper"
    });
    // The sought fields, flattened into both filing bodies, are documented in each.
    for path in [
        "/api/v1/agencies/{agency}/requests",
        "/api/v1/staff/agencies/{agency}/requests",
    ] {
        let body =
            &doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"];
        conforms(&doc, body, &filing, path).map_err(anyhow::Error::msg)?;
        let mut unknown = filing.clone();
        unknown["document_titel"] = json!("typo");
        assert!(
            conforms(&doc, body, &unknown, path).is_err(),
            "{path}: {body}"
        );
    }
    let filed: Value = http
        .post(format!("{base}/api/v1/agencies/fuxin-zrzyj/requests"))
        .json(&filing)
        .send()
        .await?
        .json()
        .await?;
    let number = filed["number"].as_str().expect("filed").to_string();
    let r = http
        .post(format!("{base}/api/v1/staff/requests/{number}/events"))
        .bearer_auth(&staff)
        .json(&json!({"type": "answered", "on": "2025-06-09", "outcome": "disclosed"}))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await?);
    let tracked: Value = http
        .get(format!(
            "{base}/api/v1/requests/{number}?query_code={}",
            filed["query_code"].as_str().unwrap_or_default()
        ))
        .send()
        .await?
        .json()
        .await?;
    assert!(
        tracked["events"].as_array().is_some_and(|e| e.len() == 2),
        "{tracked}"
    );
    let schema = schema_of("/api/v1/requests/{number}", "get", "200");
    conforms(&doc, &schema, &tracked, "tracking").map_err(anyhow::Error::msg)?;

    let schema = schema_of(
        "/api/v1/staff/agencies/{agency}/reports/{year}",
        "get",
        "200",
    );
    for year in [2020, 2025] {
        let report: Value = http
            .get(format!(
                "{base}/api/v1/staff/agencies/fuxin-zrzyj/reports/{year}"
            ))
            .bearer_auth(&staff)
            .send()
            .await?
            .json()
            .await?;
        assert!(
            report["findings"].as_array().is_some_and(|f| !f.is_empty()),
            "{report}"
        );
        conforms(&doc, &schema, &report, &format!("report {year}")).map_err(anyhow::Error::msg)?;
        // Not every shape fits: the other format's table 1 would not.
        let mut wrong = report.clone();
        wrong["proactive"]["rules"] = json!({"surplus": 1});
        assert!(
            conforms(&doc, &schema, &wrong, "wrong").is_err(),
            "the schema tells formats apart"
        );
    }
    let version: Value = http
        .post(format!(
            "{base}/api/v1/staff/agencies/fuxin-zrzyj/reports/2025/versions"
        ))
        .bearer_auth(&staff)
        .send()
        .await?
        .json()
        .await?;
    let schema = schema_of(
        "/api/v1/staff/agencies/{agency}/reports/{year}/versions",
        "post",
        "201",
    );
    conforms(&doc, &schema, &version, "version").map_err(anyhow::Error::msg)?;
    drop(deployment);
    Ok(())
}
