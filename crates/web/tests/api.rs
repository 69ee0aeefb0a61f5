//! The JSON API against the real server on a random port, with a fresh database per test, on
//! SQLite and (when the test script provides one) PostgreSQL.

mod common;

use std::sync::Arc;

use anyhow::Result;
use chrono::NaiveDate;
use gongkai_store::testing::{Backend, TestStore, fresh};
use gongkai_store::{Actor, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct TestApp {
    base: String,
    http: reqwest::Client,
    admin: String,
    /// The auditor's token (the audit log is the auditor's alone).
    auditor: String,
    staff: String,
    _store: TestStore,
}

/// Starts the real app on port 0 with a fresh database; today is Monday 2025-06-09.
async fn spawn_app(backend: Backend) -> Result<TestApp> {
    spawn_app_on(fresh(backend).await?, gongkai_app::DIRECTORY_TTL).await
}

/// The app over a given store (see [`spawn_app`]), keeping the agency directory for `ttl`.
async fn spawn_app_on(ts: TestStore, ttl: std::time::Duration) -> Result<TestApp> {
    let store = ts.store.clone();
    let agency =
        gongkai_store::testing::agency(store.as_ref(), "fuxin-zrzyj", "阜新市自然资源局").await?;
    gongkai_store::testing::agency(store.as_ref(), "other", "另一机关").await?;
    let admin = store
        .create_token("root", Role::Sysadmin, None, &Actor::system())
        .await?;
    let staff = store
        .create_token("公开办", Role::Office, Some(agency.id), &Actor::system())
        .await?;
    let auditor = store
        .create_token("审计员", Role::Auditor, None, &Actor::system())
        .await?;
    let state = gongkai_web::AppState::with_clock(store, common::clock()).with_directory_ttl(ttl);
    let base = common::serve_state(state, gongkai_web::ServerLimits::without_rate_limits()).await?;
    Ok(TestApp {
        base,
        http: reqwest::Client::new(),
        admin,
        auditor,
        staff,
        _store: ts,
    })
}

fn filing() -> Value {
    json!({
        "applicant": {"kind": "natural_person", "name": "李四", "id_number": "11010519491231002X", "phone": "13800138000", "email": "lisi@example.cn"},
        "description": "2020年某地块征收补偿方案",
        "channel": "online",
        "delivery": "email"
    })
}

impl TestApp {
    /// Sends `body` (if any) as JSON with `token` (if any) as the bearer; the answer's status and
    /// its JSON (`null` when it has none).
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Value)> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let r = request.send().await?;
        let status = r.status();
        let text = r.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }
    async fn get(&self, path: &str, token: &str) -> Result<(StatusCode, Value)> {
        self.send(reqwest::Method::GET, path, Some(token), None)
            .await
    }
    async fn get_public(&self, path: &str) -> Result<(StatusCode, Value)> {
        self.send(reqwest::Method::GET, path, None, None).await
    }
    async fn post(&self, path: &str, token: &str, body: Value) -> Result<(StatusCode, Value)> {
        self.send(reqwest::Method::POST, path, Some(token), Some(&body))
            .await
    }
    /// Files a request with fuxin-zrzyj as the public does (no token).
    async fn file(&self, body: &Value) -> Result<(StatusCode, Value)> {
        let path = "/api/v1/agencies/fuxin-zrzyj/requests";
        self.send(reqwest::Method::POST, path, None, Some(body))
            .await
    }
    async fn event(&self, number: &str, token: &str, body: Value) -> Result<(StatusCode, Value)> {
        self.post(
            &format!("/api/v1/staff/requests/{number}/events"),
            token,
            body,
        )
        .await
    }
    /// A new API token, made by the admin through the API.
    async fn token(&self, name: &str, role: &str, agency: &str) -> Result<String> {
        let body = json!({"name": name, "role": role, "agency": agency});
        let (s, v) = self.post("/api/v1/admin/tokens", &self.admin, body).await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        Ok(v["token"].as_str().unwrap_or_default().to_string())
    }
}

async fn on_each_backend<F, Fut>(test: F) -> Result<()>
where
    F: Fn(Arc<TestApp>) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    for backend in Backend::all() {
        // The app (and its database directory) lives until the test is done with it.
        let app = Arc::new(spawn_app(backend).await?);
        test(app.clone())
            .await
            .map_err(|e| e.context(format!("on {backend:?}")))?;
    }
    Ok(())
}

#[tokio::test]
async fn a_filed_request_can_be_followed_with_its_query_code_and_nothing_else() -> Result<()> {
    on_each_backend(|app| async move {
        let (status, filed) = app.file(&filing()).await?;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        assert_eq!(filed["number"], "fuxin-zrzyj-2025-00001");
        assert_eq!(filed["received_on"], "2025-06-09");
        assert_eq!(
            filed["due_on"], "2025-07-07",
            "20 working days after Monday 2025-06-09"
        );
        let number = filed["number"].as_str().unwrap();
        let code = filed["query_code"].as_str().unwrap();
        let (s, view) = app
            .get_public(&format!("/api/v1/requests/{number}?query_code={code}"))
            .await?;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(view["status"], "processing");
        assert_eq!(view["applicant"]["id_number"], "110105********002X");
        assert_eq!(view["applicant"]["phone"], "138****8000");
        assert_eq!(view["events"][0]["type"], "received");
        assert!(!view.to_string().contains("13800138000"));
        let (wrong, a) = app
            .get_public(&format!("/api/v1/requests/{number}?query_code=WRONGCODE1"))
            .await?;
        let (unknown, b) = app
            .get_public(&format!(
                "/api/v1/requests/fuxin-zrzyj-2025-09999?query_code={code}"
            ))
            .await?;
        assert_eq!(wrong, StatusCode::NOT_FOUND);
        assert_eq!(unknown, StatusCode::NOT_FOUND);
        assert_eq!(
            a["error"], b["error"],
            "a wrong code and an unknown number look the same"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn bad_input_names_every_field_and_its_rule() -> Result<()> {
    on_each_backend(|app| async move {
        let mut body = filing();
        body["applicant"]["id_number"] = json!("110105194912310021");
        body["applicant"]["phone"] = json!("12345");
        body["description"] = json!("  ");
        body["delivery"] = json!("pigeon");
        let (status, err) = app.file(&body).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = err["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "applicant.id_number",
                "applicant.phone",
                "description",
                "delivery"
            ]
        );
        assert!(
            err["errors"][0]["rule"]
                .as_str()
                .unwrap()
                .contains("GB 11643")
        );
        let r = app
            .http
            .post(format!("{}/api/v1/agencies/fuxin-zrzyj/requests", app.base))
            .header("content-type", "application/json")
            .body("{\"applicant\": {\"name\": 5}}")
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let err: Value = r.json().await?;
        assert_eq!(err["errors"][0]["field"], "applicant.name");
        let (s, _) = app
            .send(
                reqwest::Method::POST,
                "/api/v1/agencies/nowhere/requests",
                None,
                Some(&filing()),
            )
            .await?;
        assert_eq!(s, StatusCode::NOT_FOUND);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn staff_run_the_procedure_and_illegal_steps_are_refused() -> Result<()> {
    on_each_backend(|app| async move {
        let (_, filed) = app.file(&filing()).await?;
        let n = filed["number"].as_str().unwrap().to_string();
        let (s, v) = app
            .event(&n, &app.staff, json!({"type": "correction_requested", "on": "2025-06-11", "items": "请明确地块位置", "correct_by": "2025-06-25"}))
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["status"], "awaiting_correction");
        let (s, v) = app.event(&n, &app.staff, json!({"type": "corrected", "on": "2025-06-16"})).await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["deadline"]["counted_from"], "2025-06-16", "the clock restarts (Art. 30)");
        assert_eq!(v["due_on"], "2025-07-14");
        let (s, v) = app
            .event(&n, &app.staff, json!({"type": "fee_noticed", "on": "2025-06-17", "basis": {"basis": "by_pages", "pages": 2219}}))
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["events"][3]["amount_yuan"], 83460);
        let (s, v) = app.event(&n, &app.staff, json!({"type": "corrected", "on": "2025-06-18"})).await?;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["error"], "illegal_transition");
        let (s, v) = app.event(&n, &app.staff, json!({"type": "answered", "on": "2025-06-18", "outcome": "secret"})).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "outcome");
        let (s, _) = app.event(&n, &app.staff, json!({"type": "fee_paid", "on": "2025-06-20"})).await?;
        assert_eq!(s, StatusCode::CREATED);
        let (s, v) = app
            .event(&n, &app.staff, json!({"type": "answered", "on": "2025-06-23", "outcome": "partially_disclosed", "letter_no": "阜自然资公复〔2025〕1号"}))
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["status"], "answered");
        assert_eq!(v["outcome"], "partially_disclosed");
        // Unauthenticated and other agencies' staff see nothing.
        let (s, _) = app.get_public(&format!("/api/v1/staff/requests/{n}")).await?;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let other = app.token("x", "staff", "other").await?;
        let other = other.as_str();
        let (s, _) = app.get(&format!("/api/v1/staff/requests/{n}"), other).await?;
        assert_eq!(s, StatusCode::NOT_FOUND, "agency isolation");
        let (s, _) = app.event(&n, other, json!({"type": "withdrawn", "on": "2025-06-24"})).await?;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, list) = app
            .get("/api/v1/staff/agencies/fuxin-zrzyj/requests?status=answered", &app.staff)
            .await?;
        assert_eq!(list.as_array().unwrap().len(), 1);
        let (_, verify) = app.get("/api/v1/admin/audit-log/verify", &app.auditor).await?;
        assert_eq!(verify["problems"], json!([]), "{verify}");
        assert!(verify["entries"].as_u64().unwrap() >= 8, "{verify}");
        assert!(verify["requests"].as_u64().unwrap() >= 1, "{verify}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn staff_register_other_channels_by_the_art31_receipt_date() -> Result<()> {
    on_each_backend(|app| async move {
        let mut body = filing();
        body["channel"] = json!("post_signed");
        body["arrived_on"] = json!("2025-06-03");
        let register = "/api/v1/staff/agencies/fuxin-zrzyj/requests";
        let (status, v) = app.post(register, &app.staff, body.clone()).await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a signed letter needs its signature day: {v}"
        );
        assert_eq!(v["errors"][0]["field"], "confirmed_on");
        body["confirmed_on"] = json!("2025-06-05");
        let (status, v) = app.post(register, &app.staff, body).await?;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["received_on"], "2025-06-05");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_openapi_document_and_the_deadline_calculator() -> Result<()> {
    let app = spawn_app(Backend::Sqlite).await?;
    let (_, doc) = app.get_public("/api/openapi.json").await?;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/agencies/{agency}/requests",
        "/api/v1/requests/{number}",
        "/api/v1/staff/requests/{number}/events",
        "/api/v1/staff/agencies/{agency}/reports/{year}/cells/{cell}",
        "/api/v1/staff/agencies/{agency}/review-cases",
        "/api/v1/staff/review-cases/{id}/decision",
        "/api/v1/agencies/{agency}/reports/{year}/{format}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let (_, v) = app
        .get_public("/api/v1/deadline?received=2024-09-27&paused=2024-10-08..2024-10-10")
        .await?;
    assert_eq!(v["due_on"], "2024-11-01");
    let (s, _) = app
        .get_public("/api/v1/deadline?received=2007-12-31")
        .await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}

#[tokio::test]
async fn the_report_counts_the_ledger_drills_down_and_is_signed_off_and_frozen() -> Result<()> {
    on_each_backend(|app| async move {
        let mut numbers = Vec::new();
        for _ in 0..3 {
            let (s, v) = app.file(&filing()).await?;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            numbers.push(v["number"].as_str().unwrap().to_string());
        }
        let (s, v) = app
            .event(&numbers[0], &app.staff, json!({"type": "answered", "on": "2025-06-10", "outcome": "disclosed"}))
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = app
            .event(&numbers[1], &app.staff, json!({"type": "answered", "on": "2025-06-11", "outcome": "unable_to_provide.not_held"}))
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");

        let report_path = "/api/v1/staff/agencies/fuxin-zrzyj/reports/2025";
        let (s, r) = app.get(report_path, &app.staff).await?;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["format"], "2021");
        assert_eq!(r["requests"]["new"], json!([3, 0, 0, 0, 0, 0, 3]));
        assert_eq!(r["requests"]["disclosed"], json!([1, 0, 0, 0, 0, 0, 1]));
        assert_eq!(r["requests"]["carried_forward"], json!([1, 0, 0, 0, 0, 0, 1]));
        let rules: Vec<&str> = r["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
        assert_eq!(
            rules,
            ["B1", "S2"],
            "consistent by construction; only the table-1 figures of other systems are missing, and section 五 is still to be written"
        );
        for (key, value) in [
            ("licensing.decisions", 988.0),
            ("penalty.decisions", 8.0),
            ("coercion.decisions", 0.0),
            ("fees.amount_wan_yuan", 0.0),
        ] {
            let body = json!({"key": key, "value": value, "source": "行政审批系统"});
            let (s, _) = app.post(&format!("{report_path}/statistics"), &app.staff, body).await?;
            assert_eq!(s, StatusCode::NO_CONTENT, "{key}");
        }
        let (s, v) = app
            .post(&format!("{report_path}/statistics"), &app.staff, json!({"key": "licensing.decisons", "value": 1, "source": "x"}))
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "key");
        let (_, r) = app.get(report_path, &app.staff).await?;
        assert_eq!(r["findings"].as_array().map(Vec::len), Some(1), "{}", r["findings"]);
        assert_eq!(r["findings"][0]["rule"], "S2", "{}", r["findings"]);
        assert_eq!(r["proactive"]["licensing"]["decisions"], 988);
        assert!(r["sections"]["overview"].as_str().unwrap().contains("3件"), "{}", r["sections"]);

        // Every cell lists the requests behind it.
        let cell = |c: &str| format!("{report_path}/cells/{c}");
        let (s, d) = app.get(&cell("requests.new[6]"), &app.staff).await?;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["count"], 3);
        let (_, d) = app.get(&cell("requests.disclosed[0]"), &app.staff).await?;
        assert_eq!(d["requests"], json!([numbers[0]]));
        let (_, d) = app.get(&cell("requests.carried_forward[6]"), &app.staff).await?;
        assert_eq!(d["requests"], json!([numbers[2]]));
        let (s, d) = app.get(&cell("nonsense"), &app.staff).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert_eq!(d["errors"][0]["field"], "cell");
        // A row that is not in the table (or not in this year's format) is an error, not an
        // empty list.
        for bad in ["requests.nothing[0]", "requests.disclosed[7]"] {
            let (s, d) = app.get(&cell(bad), &app.staff).await?;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {d}");
        }

        // Table 3: a reconsideration about the second request, pending, then decided.
        let (s, c) = app
            .post(
                "/api/v1/staff/agencies/fuxin-zrzyj/review-cases",
                &app.staff,
                json!({"kind": "reconsideration", "request_number": numbers[1], "filed_on": "2025-06-20"}),
            )
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let case = c["id"].as_i64().unwrap();
        let (_, d) = app.get(&cell("review.reconsideration.pending"), &app.staff).await?;
        assert_eq!(d["requests"], json!([numbers[1]]));
        let (s, v) = app
            .post(
                "/api/v1/staff/agencies/fuxin-zrzyj/review-cases",
                &app.staff,
                json!({"kind": "lawsuit", "filed_on": "2025-06-20"}),
            )
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "an unknown kind (right JSON type, not allowed) names the field: {v}");
        assert!(v.to_string().contains("kind"), "{v}");
        let decision = format!("/api/v1/staff/review-cases/{case}/decision");
        let (s, v) = app
            .post(&decision, &app.staff, json!({"decided_on": "2025-06-01", "result": "corrected"}))
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "decided before filed: {v}");
        let (s, v) = app
            .post(&decision, &app.staff, json!({"decided_on": "2025-07-01", "result": "corrected"}))
            .await?;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, _) = app
            .post(&decision, &app.staff, json!({"decided_on": "2025-07-02", "result": "upheld"}))
            .await?;
        assert_eq!(s, StatusCode::CONFLICT, "a decided case is not changed");
        let (_, r) = app.get(report_path, &app.staff).await?;
        assert_eq!(r["review"]["reconsideration"]["corrected"], 1);
        assert_eq!(r["review"]["reconsideration"]["total"], 1);
        let (_, d) = app.get(&cell("review.reconsideration.corrected"), &app.staff).await?;
        assert_eq!(d["requests"], json!([numbers[1]]));

        // Another agency's staff see none of it.
        let other = app.token("x", "staff", "other").await?;
        let (s, _) = app.get(report_path, &other).await?;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app.post(&decision, &other, json!({"decided_on": "2025-07-02", "result": "upheld"})).await?;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Section 五 written (the starter text leaves it to staff), then sign-off: draft →
        // approved (by the head only) → published, then frozen.
        let sections = json!({"overview": r["sections"]["overview"], "problems": "公开形式还不够丰富。下步将完善制度建设。", "other": "无。"});
        let (s, v) = app.send(reqwest::Method::PUT, &format!("{report_path}/sections"), Some(&app.staff), Some(&sections)).await?;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        let (s, v) = app.post(&format!("{report_path}/versions"), &app.staff, json!({})).await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["status"], "draft");
        let id = v["id"].as_i64().unwrap();
        let head = app.token("公开办主任", "head", "fuxin-zrzyj").await?;
        let (s, v) = app.post(&format!("/api/v1/staff/report-versions/{id}/publish"), &head, json!({})).await?;
        assert_eq!(s, StatusCode::CONFLICT, "a draft is not published: {v}");
        let (s, v) = app.post(&format!("/api/v1/staff/report-versions/{id}/approve"), &app.staff, json!({})).await?;
        assert_eq!(s, StatusCode::FORBIDDEN, "staff do not approve: {v}");
        assert_eq!(v["error"], "forbidden");
        let (s, v) = app.post(&format!("/api/v1/staff/report-versions/{id}/approve"), &head, json!({})).await?;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "approved");
        let public_pdf = "/api/v1/agencies/fuxin-zrzyj/reports/2025/pdf".to_string();
        assert_eq!(app.get_public(&public_pdf).await?.0, StatusCode::NOT_FOUND, "not yet published");
        let (s, v) = app.post(&format!("/api/v1/staff/report-versions/{id}/publish"), &app.staff, json!({})).await?;
        assert_eq!(s, StatusCode::FORBIDDEN, "staff do not publish: {v}");
        let (s, v) = app.post(&format!("/api/v1/staff/report-versions/{id}/publish"), &app.admin, json!({})).await?;
        assert_eq!(s, StatusCode::NOT_FOUND, "the system administrator does not even see it: {v}");
        let (s, v) = app.post(&format!("/api/v1/staff/report-versions/{id}/publish"), &head, json!({})).await?;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "published");
        let hashes: std::collections::BTreeMap<String, String> = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f[0].as_str().unwrap().to_string(), f[1].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(hashes.keys().cloned().collect::<Vec<_>>(), ["docx", "html", "json", "md", "pdf"]);
        let r = app.http.get(format!("{}{public_pdf}", app.base)).send().await?;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await?;
        assert!(pdf.starts_with(b"%PDF"));
        use sha2::Digest;
        assert_eq!(hex::encode(sha2::Sha256::digest(&pdf)), hashes["pdf"], "served as frozen");
        let (s, _) = app.post(&format!("/api/v1/staff/report-versions/{id}/publish"), &head, json!({})).await?;
        assert_eq!(s, StatusCode::CONFLICT, "published once");

        // A later change of the records does not touch the published version.
        let (s, _) = app
            .event(&numbers[2], &app.staff, json!({"type": "answered", "on": "2025-06-12", "outcome": "disclosed"}))
            .await?;
        assert_eq!(s, StatusCode::CREATED);
        let (_, frozen) = app.get_public("/api/v1/agencies/fuxin-zrzyj/reports/2025/json").await?;
        assert_eq!(frozen["requests"]["disclosed"][6], 1, "the frozen figures");
        let (_, now) = app.get(report_path, &app.staff).await?;
        assert_eq!(now["requests"]["disclosed"][6], 2, "the live figures");
        let (s, _) = app.get_public("/api/v1/agencies/fuxin-zrzyj/reports/2025/xls").await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_report_still_holding_placeholder_text_is_not_published() -> Result<()> {
    on_each_backend(|app| async move {
        let head = app.token("公开办主任", "head", "fuxin-zrzyj").await?;
        let report_path = "/api/v1/staff/agencies/fuxin-zrzyj/reports/2025";
        let (s, r) = app.get(report_path, &app.staff).await?;
        assert_eq!(s, StatusCode::OK, "{r}");
        let s2: Vec<&Value> = r["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "S2").collect();
        assert_eq!(s2.len(), 1, "{}", r["findings"]);
        assert_eq!(s2[0]["where"], "sections.problems");
        assert!(s2[0]["message"].as_str().unwrap().contains("（待填写）"), "{}", s2[0]);
        let version = |app: Arc<TestApp>, head: String| async move {
            let (s, v) = app.post(&format!("{report_path}/versions"), &app.staff, json!({})).await?;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            let id = v["id"].as_i64().unwrap();
            let (s, v) = app.post(&format!("/api/v1/staff/report-versions/{id}/approve"), &head, json!({})).await?;
            assert_eq!(s, StatusCode::OK, "{v}");
            anyhow::Ok(id)
        };
        // The generated report, starter text and all: approved, but not published.
        let id = version(app.clone(), head.clone()).await?;
        let (s, v) = app.post(&format!("/api/v1/staff/report-versions/{id}/publish"), &head, json!({})).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "sections.problems", "{v}");
        let rule = v["errors"][0]["rule"].as_str().unwrap();
        assert!(rule.contains("五、存在的主要问题及改进情况") && rule.contains("（待填写）"), "{rule}");
        let (s, _) = app.get_public("/api/v1/agencies/fuxin-zrzyj/reports/2025/pdf").await?;
        assert_eq!(s, StatusCode::NOT_FOUND, "nothing was published");
        // Other forms of placeholder are refused the same way, in any section.
        let sections = json!({"overview": "2025年，XX局认真贯彻落实条例。", "problems": "公开形式还不够丰富。", "other": "无。"});
        let (s, _) = app.send(reqwest::Method::PUT, &format!("{report_path}/sections"), Some(&app.staff), Some(&sections)).await?;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let id = version(app.clone(), head.clone()).await?;
        let (s, v) = app.post(&format!("/api/v1/staff/report-versions/{id}/publish"), &head, json!({})).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "sections.overview", "{v}");
        // Written out, it is published.
        let sections = json!({"overview": "2025年，本局认真贯彻落实条例。", "problems": "公开形式还不够丰富。", "other": "无。"});
        let (s, _) = app.send(reqwest::Method::PUT, &format!("{report_path}/sections"), Some(&app.staff), Some(&sections)).await?;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (_, r) = app.get(report_path, &app.staff).await?;
        assert!(!r["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "S2"), "{}", r["findings"]);
        let id = version(app.clone(), head.clone()).await?;
        let (s, v) = app.post(&format!("/api/v1/staff/report-versions/{id}/publish"), &head, json!({})).await?;
        assert_eq!(s, StatusCode::OK, "{v}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn tokens_expire_are_listed_and_revoked_at_once() -> Result<()> {
    on_each_backend(|app| async move {
        let requests = "/api/v1/staff/agencies/fuxin-zrzyj/requests";
        let body = json!({"name": "临时经办人", "role": "staff", "agency": "fuxin-zrzyj", "expires_in_days": 7});
        let (s, v) = app.post("/api/v1/admin/tokens", &app.admin, body).await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let token = v["token"].as_str().unwrap().to_string();
        let id = v["id"].as_i64().unwrap();
        assert!(v["expires_at"].is_string(), "{v}");
        assert_eq!(app.get(requests, &token).await?.0, StatusCode::OK);

        let (s, list) = app.get("/api/v1/admin/tokens", &app.admin).await?;
        assert_eq!(s, StatusCode::OK, "{list}");
        let listed = list.as_array().unwrap();
        assert_eq!(listed.len(), 4, "admin, staff, auditor and the new one: {list}");
        let mine = listed.iter().find(|t| t["id"] == id).unwrap();
        assert_eq!(mine["name"], "临时经办人");
        assert_eq!(mine["role"], "office", "the deprecated alias staff is office");
        assert_eq!(mine["agency"], "fuxin-zrzyj");
        assert_eq!(mine["status"], "active");
        assert_eq!(mine["revoked_at"], Value::Null);
        let created = chrono::DateTime::parse_from_rfc3339(mine["created_at"].as_str().unwrap())?;
        let expires = chrono::DateTime::parse_from_rfc3339(mine["expires_at"].as_str().unwrap())?;
        assert_eq!(expires - created, chrono::Duration::days(7));
        let default = listed.iter().find(|t| t["name"] == "公开办").unwrap();
        let created = chrono::DateTime::parse_from_rfc3339(default["created_at"].as_str().unwrap())?;
        let expires = chrono::DateTime::parse_from_rfc3339(default["expires_at"].as_str().unwrap())?;
        assert_eq!(expires - created, chrono::Duration::days(90), "the default lifetime");
        let text = list.to_string();
        for secret in [&token, &app.admin, &app.staff] {
            assert!(!text.contains(secret.as_str()), "no token in the listing");
        }
        assert!(listed.iter().all(|t| t.get("token").is_none() && t.get("token_hash").is_none()));
        assert_eq!(app.get("/api/v1/admin/tokens", &app.staff).await?.0, StatusCode::NOT_FOUND, "admins only");

        // Revoked: the very next request fails.
        let (s, v) = app.post(&format!("/api/v1/admin/tokens/{id}/revoke"), &app.admin, json!({})).await?;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "revoked");
        let (s, v) = app.get(requests, &token).await?;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        assert_eq!(v["error"], "unauthorized");
        let (s, _) = app.send(reqwest::Method::DELETE, &format!("/api/v1/admin/tokens/{id}"), Some(&app.admin), None).await?;
        assert_eq!(s, StatusCode::CONFLICT, "already revoked");
        let (s, _) = app.send(reqwest::Method::DELETE, "/api/v1/admin/tokens/999", Some(&app.admin), None).await?;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let other = app.token("另一人", "staff", "fuxin-zrzyj").await?;
        let (_, list) = app.get("/api/v1/admin/tokens", &app.admin).await?;
        let other_id = list.as_array().unwrap().iter().find(|t| t["name"] == "另一人").unwrap()["id"].clone();
        let (s, v) = app.send(reqwest::Method::DELETE, &format!("/api/v1/admin/tokens/{other_id}"), Some(&app.admin), None).await?;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(app.get(requests, &other).await?.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get(requests, &app.staff).await?.0, StatusCode::OK, "other tokens unaffected");

        // Lifetimes are bounded; the field is named.
        for (days, status) in [(json!(0), StatusCode::UNPROCESSABLE_ENTITY), (json!(367), StatusCode::UNPROCESSABLE_ENTITY), (json!("x"), StatusCode::BAD_REQUEST)] {
            let body = json!({"name": "x", "role": "office", "agency": "fuxin-zrzyj", "expires_in_days": days});
            let (s, v) = app.post("/api/v1/admin/tokens", &app.admin, body).await?;
            assert_eq!(s, status, "{v}");
            assert_eq!(v["errors"][0]["field"], "expires_in_days", "{v}");
        }
        let (_, log) = app.get("/api/v1/admin/audit-log?limit=1000", &app.auditor).await?;
        let revokes = log.as_array().unwrap().iter().filter(|e| e["action"] == "token.revoke").count();
        assert_eq!(revokes, 2);
        let (_, doc) = app.get_public("/api/openapi.json").await?;
        assert!(doc["paths"]["/api/v1/admin/tokens"]["get"].is_object());
        assert!(doc["paths"]["/api/v1/admin/tokens/{id}/revoke"]["post"].is_object());
        assert!(doc["paths"]["/api/v1/admin/tokens/{id}"]["delete"].is_object());
        assert!(doc["components"]["schemas"]["TokenView"].is_object());
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_calendar_imported_by_another_process_is_used_by_the_running_server() -> Result<()> {
    for backend in Backend::all() {
        let (ts, cli) = gongkai_store::testing::fresh_pair(backend).await?;
        // The directory cache off: the server sees the other process's import at its next read
        // (by default within `directory_cache_ms`, see crates/app/tests/directory.rs).
        let app = spawn_app_on(ts, std::time::Duration::ZERO).await?;
        let deadline = "/api/v1/deadline?received=2026-12-24";
        let (_, v) = app.get_public(deadline).await?;
        assert_eq!(
            v["due_on"], "2027-01-22",
            "{backend:?}: Mon–Fri minus the statutory 元旦: {v}"
        );
        assert_eq!(v["provisional"], true);
        // A request received 2026-11-20 and extended on 11-30 (recorded by the other process):
        // 40 working days run to 2027-01-18 with only 元旦 skipped in January.
        let agency_id = cli.agency("fuxin-zrzyj").await?.unwrap().id;
        let applicant = gongkai_domain::applicant::ApplicantInput {
            kind: "natural_person".into(),
            name: "李四".into(),
            id_number: Some("11010519491231002X".into()),
            phone: "13800138000".into(),
            ..Default::default()
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d");
        let new = gongkai_store::NewRequest {
            agency_id,
            applicant,
            description: "2020年某地块征收补偿方案".into(),
            channel: gongkai_domain::request::Channel::Letter,
            delivery: gongkai_domain::request::Delivery::Collect,
            received_on: day("2026-11-20")?,
            department_id: None,
            details: Default::default(),
        };
        let head = Actor {
            name: "王主任".into(),
            role: Role::Head,
            agency_id: Some(agency_id),
            department_id: None,
            supervised: Vec::new(),
        };
        let number = cli.create_request(new, &head).await?.number;
        let extended = gongkai_domain::request::Event::Extended {
            on: day("2026-11-30")?,
            approver: "王主任".into(),
            days: 20,
            reason: "需要调取档案".into(),
        };
        cli.append_event(&number, extended, &head).await?;
        let staff_view = format!("/api/v1/staff/requests/{number}");
        let (_, before) = app.get(&staff_view, &app.staff).await?;
        assert_eq!(before["deadline"]["due_on"], "2027-01-18", "{before}");
        assert_eq!(before["deadline"]["provisional"], true);

        // A notice holding only 春节 is refused, naming what it leaves out.
        let spring = json!({"years": {"2027": {"off": [
            {"date": "2027-02-05", "holiday": "春节"}, {"date": "2027-02-06", "holiday": "春节"},
            {"date": "2027-02-07", "holiday": "春节"}, {"date": "2027-02-08", "holiday": "春节"}], "workday": []}}});
        let (s, v) = app
            .post("/api/v1/admin/calendar", &app.admin, spring)
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["errors"][0]["field"], "schedule.years.2027", "{v}");
        assert!(
            v["errors"][0]["rule"]
                .as_str()
                .unwrap()
                .contains("元旦 2027-01-01"),
            "{v}"
        );
        let (_, v) = app.get_public(deadline).await?;
        assert_eq!(v["provisional"], true, "the year stays provisional");

        // The other process (a CLI `calendar import`) loads a complete 2027 notice with 01-04 off.
        let mut off: Vec<Value> = gongkai_domain::calendar::statutory_holidays(2027)
            .iter()
            .map(|h| json!({"date": h.date, "holiday": h.holiday}))
            .collect();
        off.push(json!({"date": "2027-01-04", "holiday": "元旦"}));
        let file = gongkai_domain::calendar::ScheduleFile::parse(
            &json!({"years": {"2027": {"off": off, "workday": []}}}).to_string(),
        )?;
        cli.import_calendar(file, &Actor::system()).await?;
        let (_, v) = app.get_public(deadline).await?;
        assert_eq!(
            v["due_on"], "2027-01-25",
            "{backend:?}: the server sees the import: {v}"
        );
        assert_eq!(v["provisional"], false);
        let (_, after) = app.get(&staff_view, &app.staff).await?;
        assert_eq!(
            after["deadline"]["due_on"], "2027-01-19",
            "{backend:?}: the staff view too"
        );
        assert_eq!(after["deadline"]["provisional"], false);
        assert_eq!(
            after["due_on"], "2027-01-19",
            "the stored projection, recomputed by the import"
        );
    }
    Ok(())
}
