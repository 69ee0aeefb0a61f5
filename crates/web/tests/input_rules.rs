//! Issue 8, items 6, 8 and 15 through the API: dates after today, unbounded text and numbers are
//! refused with a 422 naming the field; the head voids a wrong event. The real server on a random
//! port, a fresh database per backend; the app and the store share one fixed clock.

mod common;

use std::sync::Arc;

use anyhow::Result;
use gongkai_store::testing::{Backend, TestStore, fresh_with_clock};
use gongkai_store::{Actor, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct App {
    base: String,
    http: reqwest::Client,
    staff: String,
    head: String,
    _store: TestStore,
}

/// Today is Monday 2025-06-09, for the app and the store alike.
async fn spawn(backend: Backend) -> Result<App> {
    let today = common::clock();
    let ts = fresh_with_clock(backend, today.clone()).await?;
    let store = ts.store.clone();
    let agency =
        gongkai_store::testing::agency(store.as_ref(), "fuxin-zrzyj", "阜新市自然资源局").await?;
    let staff = store
        .create_token("公开办", Role::Office, Some(agency.id), &Actor::system())
        .await?;
    let head = store
        .create_token("公开办主任", Role::Head, Some(agency.id), &Actor::system())
        .await?;
    let (base, _) = common::serve(
        store,
        today,
        gongkai_web::ServerLimits::without_rate_limits(),
    )
    .await?;
    Ok(App {
        base,
        http: reqwest::Client::new(),
        staff,
        head,
        _store: ts,
    })
}

impl App {
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Result<(StatusCode, Value)> {
        let mut r = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let r = r.send().await?;
        let status = r.status();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }
    async fn get(&self, path: &str, token: &str) -> Result<Value> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await?;
        Ok(r.json().await?)
    }
    async fn event(&self, number: &str, token: &str, body: Value) -> Result<(StatusCode, Value)> {
        self.post(
            &format!("/api/v1/staff/requests/{number}/events"),
            Some(token),
            &body,
        )
        .await
    }
    /// Staff register a request that arrived in person on `arrived`: its number.
    async fn register(&self, arrived: &str) -> Result<String> {
        Ok(self.register_with_code(arrived).await?.0)
    }
    /// The number and the 查询码 of a request registered by staff.
    async fn register_with_code(&self, arrived: &str) -> Result<(String, String)> {
        let mut body = filing();
        body["channel"] = json!("in_person");
        body["arrived_on"] = json!(arrived);
        let (s, v) = self
            .post(
                "/api/v1/staff/agencies/fuxin-zrzyj/requests",
                Some(&self.staff),
                &body,
            )
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        Ok((field("number"), field("query_code")))
    }
}

fn filing() -> Value {
    json!({
        "applicant": {"kind": "natural_person", "name": "李四", "id_number": "11010519491231002X", "phone": "13800138000", "email": "lisi@example.cn"},
        "description": "2020年某地块征收补偿方案",
        "channel": "online",
        "delivery": "email"
    })
}

/// The answer is a 422 whose errors name `field`.
#[track_caller]
fn refused(answer: &(StatusCode, Value), field: &str) {
    let (status, body) = answer;
    assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(fields.contains(&field), "{field} not in {body}");
}

async fn each<F, Fut>(test: F) -> Result<()>
where
    F: Fn(Arc<App>) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    for backend in Backend::all() {
        let app = Arc::new(spawn(backend).await?);
        test(app)
            .await
            .map_err(|e| e.context(format!("on {backend:?}")))?;
    }
    Ok(())
}

#[tokio::test]
async fn dates_after_today_or_out_of_range_are_refused_naming_the_field() -> Result<()> {
    each(|app| async move {
        let register = "/api/v1/staff/agencies/fuxin-zrzyj/requests";
        let mut body = filing();
        body["channel"] = json!("letter");
        body["arrived_on"] = json!("2025-06-05");
        body["confirmed_on"] = json!("2026-01-05");
        refused(&app.post(register, Some(&app.staff), &body).await?, "confirmed_on");
        body["arrived_on"] = json!("2025-06-10");
        body["confirmed_on"] = json!("2025-06-10");
        refused(&app.post(register, Some(&app.staff), &body).await?, "arrived_on");

        let n = app.register("2025-06-02").await?;
        let a = app.event(&n, &app.staff, json!({"type": "withdrawn", "on": "2199-12-31"})).await?;
        refused(&a, "on");
        let a = app
            .event(&n, &app.staff, json!({"type": "correction_requested", "on": "2025-06-03", "items": "请明确地块位置", "correct_by": "2025-12-31"}))
            .await?;
        refused(&a, "correct_by");
        let view = app.get(&format!("/api/v1/staff/requests/{n}"), &app.staff).await?;
        assert_eq!(view["status"], "processing");

        let publications = "/api/v1/staff/agencies/fuxin-zrzyj/publications";
        let p = json!({"kind": "rule", "title": "某管理办法", "issued_on": "2020-01-01", "published_on": "2020-01-10", "repealed_on": "+99999-12-31"});
        refused(&app.post(publications, Some(&app.staff), &p).await?, "repealed_on");
        let p = json!({"kind": "rule", "title": "某管理办法", "issued_on": "1900-01-01"});
        refused(&app.post(publications, Some(&app.staff), &p).await?, "issued_on");
        let p = json!({"kind": "rule", "title": "某管理办法", "issued_on": "9999-12-31"});
        refused(&app.post(publications, Some(&app.staff), &p).await?, "issued_on");
        // Nothing was stored: the 2025 report counts only the valid rule in force.
        let p = json!({"kind": "rule", "title": "某管理办法", "issued_on": "2020-01-01", "published_on": "2020-01-10"});
        let (s, v) = app.post(publications, Some(&app.staff), &p).await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let report = app
            .get("/api/v1/staff/agencies/fuxin-zrzyj/reports/2024", &app.staff)
            .await?;
        assert_eq!(report["proactive"]["rules"]["in_force"], 1, "{report}");
        assert_eq!(report["proactive"]["rules"]["repealed"], 0);

        let cases = "/api/v1/staff/agencies/fuxin-zrzyj/review-cases";
        let c = json!({"kind": "reconsideration", "filed_on": "2025-06-10"});
        refused(&app.post(cases, Some(&app.staff), &c).await?, "filed_on");
        let stats = "/api/v1/staff/agencies/fuxin-zrzyj/reports/2026/statistics";
        let st = json!({"key": "licensing.decisions", "value": 3, "source": "行政审批系统"});
        refused(&app.post(stats, Some(&app.staff), &st).await?, "year");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn hostile_text_and_numbers_are_refused_naming_the_field() -> Result<()> {
    each(|app| async move {
        let mut body = filing();
        body["applicant"]["name"] = json!("李\u{0}四");
        refused(&app.post("/api/v1/agencies/fuxin-zrzyj/requests", None, &body).await?, "applicant.name");
        let mut body = filing();
        body["description"] = json!("\u{1b}[31m征收补偿方案\u{1b}[0m");
        refused(&app.post("/api/v1/agencies/fuxin-zrzyj/requests", None, &body).await?, "description");
        // Over the description's limit: a 422 naming it; a megabyte body never reaches the rule.
        let mut body = filing();
        body["description"] = json!("征".repeat(5001));
        refused(&app.post("/api/v1/agencies/fuxin-zrzyj/requests", None, &body).await?, "description");
        let mut body = filing();
        body["description"] = json!("a".repeat(1 << 20));
        let (status, v) = app.post("/api/v1/agencies/fuxin-zrzyj/requests", None, &body).await?;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
        assert_eq!(v["errors"][0]["field"], "body", "{v}");
        let mut body = filing();
        body["applicant"]["name"] = json!("  李\u{200b}四 ");
        refused(&app.post("/api/v1/agencies/fuxin-zrzyj/requests", None, &body).await?, "applicant.name");

        let n = app.register("2025-06-02").await?;
        let fee = json!({"type": "fee_noticed", "on": "2025-06-03", "basis": {"basis": "by_pages", "pages": 4294967295u32}, "amount_yuan": 171798682660u64});
        refused(&app.event(&n, &app.staff, fee).await?, "amount_yuan");
        let fee = json!({"type": "fee_noticed", "on": "2025-06-03", "basis": {"basis": "by_pages", "pages": 4294967295u32}});
        refused(&app.event(&n, &app.staff, fee).await?, "basis.pages");
        let items = json!({"type": "correction_requested", "on": "2025-06-03", "items": "请明确\u{1b}[2J", "correct_by": "2025-06-10"});
        refused(&app.event(&n, &app.staff, items).await?, "items");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_head_voids_a_wrong_answer_and_staff_cannot() -> Result<()> {
    each(|app| async move {
        let (n, code) = app.register_with_code("2025-06-02").await?;
        let (s, v) = app
            .event(
                &n,
                &app.staff,
                json!({"type": "answered", "on": "2025-06-09", "outcome": "disclosed"}),
            )
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["status"], "answered");
        let void =
            json!({"type": "voided", "on": "2025-06-09", "seq": 2, "reason": "答复日期录入错误"});
        let (s, v) = app.event(&n, &app.staff, void.clone()).await?;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        assert!(
            v["message"].as_str().unwrap_or_default().contains("head"),
            "{v}"
        );
        let (s, v) = app
            .event(
                &n,
                &app.head,
                json!({"type": "voided", "on": "2025-06-09", "seq": 1, "reason": "误录"}),
            )
            .await?;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        let (s, v) = app.event(&n, &app.head, void).await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["status"], "processing");
        assert_eq!(v["concluded_on"], Value::Null);
        assert_eq!(v["events"][1]["voided_by"], 3);
        assert_eq!(v["events"][2]["type"], "voided");
        assert!(v["events"][0].get("voided_by").is_none());
        let (s, v) = app
            .event(
                &n,
                &app.staff,
                json!({"type": "answered", "on": "2025-06-06", "outcome": "disclosed"}),
            )
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["concluded_on"], "2025-06-06");
        // The applicant sees the right date, and which event was voided.
        let r = app
            .http
            .get(format!(
                "{}/api/v1/requests/{n}?query_code={code}",
                app.base
            ))
            .send()
            .await?;
        let track: Value = r.json().await?;
        assert_eq!(track["concluded_on"], "2025-06-06", "{track}");
        assert_eq!(track["events"][1]["voided_by"], 3, "{track}");
        Ok(())
    })
    .await
}
