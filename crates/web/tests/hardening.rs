//! The server under hostile input and load (issue 8, items 7, 8, 10, 11, 13, 14, 18): every
//! error is the JSON error body naming its field; slow and idle connections are closed; the
//! connection count, filings and 查询码 tries per address are limited; public answers are
//! bounded; every response has the security headers; the head's acts are the head's.

mod common;

use std::time::Duration;

use anyhow::{Result, bail};
use gongkai_store::testing::{Backend, TestStore, fresh};
use gongkai_store::{Actor, Role};
use gongkai_web::{RateLimit, ServerLimits};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct App {
    base: String,
    addr: std::net::SocketAddr,
    http: reqwest::Client,
    admin: String,
    staff: String,
    head: String,
    _store: TestStore,
}

/// The real server on port 0 with a fresh database and `limits`; today is Monday 2025-06-09.
async fn spawn(backend: Backend, limits: ServerLimits) -> Result<App> {
    let ts = fresh(backend).await?;
    let store = ts.store.clone();
    let agency =
        gongkai_store::testing::agency(store.as_ref(), "fuxin-zrzyj", "阜新市自然资源局").await?;
    store
        .add_department(agency.id, "政府信息公开办公室", &Actor::system())
        .await?;
    let admin = store
        .create_token("root", Role::Sysadmin, None, &Actor::system())
        .await?;
    let (staff, head) = common::staff_and_head(store.as_ref(), agency.id).await?;
    let (_, addr) = common::serve(store, common::clock(), limits).await?;
    Ok(App {
        base: format!("http://{addr}"),
        addr,
        http: reqwest::Client::new(),
        admin,
        staff,
        head,
        _store: ts,
    })
}

fn filing() -> Value {
    json!({
        "applicant": {"kind": "natural_person", "name": "李四", "id_number": "11010519491231002X",
                      "phone": "13800138000", "email": "lisi@example.cn"},
        "description": "2020年某地块征收补偿方案",
        "channel": "online",
        "delivery": "email"
    })
}

impl App {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<(StatusCode, reqwest::header::HeaderMap, Value)> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let r = request.send().await?;
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await?;
        Ok((
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        ))
    }
    async fn get(&self, path: &str, token: Option<&str>) -> Result<(StatusCode, Value)> {
        let (s, _, v) = self.send(reqwest::Method::GET, path, token, None).await?;
        Ok((s, v))
    }
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Result<(StatusCode, Value)> {
        let (s, _, v) = self
            .send(reqwest::Method::POST, path, token, Some(&body))
            .await?;
        Ok((s, v))
    }
    async fn file(&self) -> Result<(StatusCode, Value)> {
        self.post("/api/v1/agencies/fuxin-zrzyj/requests", None, filing())
            .await
    }
}

fn no_rates() -> ServerLimits {
    ServerLimits::without_rate_limits()
}

fn first_field(v: &Value) -> &str {
    v["errors"][0]["field"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn event_errors_name_their_field_for_every_event_type() -> Result<()> {
    let app = spawn(Backend::Sqlite, no_rates()).await?;
    let (_, filed) = app.file().await?;
    let n = filed["number"].as_str().unwrap().to_string();
    let path = format!("/api/v1/staff/requests/{n}/events");
    let on = "2025-06-10";
    for (body, field) in [
        (
            json!({"type": "correction_requested", "on": on, "items": 5, "correct_by": "2025-06-25"}),
            "items",
        ),
        (
            json!({"type": "consultation_started", "on": on, "party": "neighbour", "with": "x"}),
            "party",
        ),
        (
            json!({"type": "extended", "on": on, "days": "fifteen", "reason": "x"}),
            "days",
        ),
        (
            json!({"type": "extended", "on": on, "days": 15, "reason": 7}),
            "reason",
        ),
        (
            json!({"type": "fee_noticed", "on": on, "basis": {"basis": "by_pages", "pages": 2}, "amount_yuan": "x"}),
            "amount_yuan",
        ),
        (json!({"type": "answered", "on": on}), "outcome"),
        (
            json!({"type": "deemed_abandoned", "on": on, "reason": "bored"}),
            "reason",
        ),
    ] {
        let (s, v) = app.post(&path, Some(&app.head), body.clone()).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(first_field(&v), field, "{body}: {v}");
    }
    Ok(())
}

#[tokio::test]
async fn path_query_route_and_method_errors_are_json_naming_the_parameter() -> Result<()> {
    let app = spawn(Backend::Sqlite, no_rates()).await?;
    let (s, v) = app
        .post(
            "/api/v1/staff/report-versions/abc/approve",
            Some(&app.head),
            json!({}),
        )
        .await?;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(first_field(&v), "id", "{v}");
    let (s, v) = app
        .get(
            "/api/v1/staff/agencies/fuxin-zrzyj/requests?limit=x",
            Some(&app.staff),
        )
        .await?;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(first_field(&v), "limit", "{v}");
    let (s, v) = app
        .get(
            "/api/v1/staff/agencies/fuxin-zrzyj/requests?limit=100000",
            Some(&app.staff),
        )
        .await?;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a page has at most 500: {v}"
    );
    assert_eq!(first_field(&v), "limit");
    let (s, v) = app
        .get("/api/v1/admin/audit-log?after=x", Some(&app.admin))
        .await?;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(first_field(&v), "after", "{v}");
    let (s, v) = app.get("/api/v1/nothing/here", None).await?;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(v["error"], "not_found");
    let (s, _, v) = app
        .send(reqwest::Method::DELETE, "/api/v1/agencies", None, None)
        .await?;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(v["error"], "method_not_allowed");
    Ok(())
}

#[tokio::test]
async fn only_json_bodies_and_bounded_ones() -> Result<()> {
    let limits = ServerLimits {
        max_body_bytes: 16 * 1024,
        ..no_rates()
    };
    let app = spawn(Backend::Sqlite, limits).await?;
    let url = format!("{}/api/v1/agencies/fuxin-zrzyj/requests", app.base);
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut r = app.http.post(&url).body(filing().to_string());
        if let Some(ct) = content_type {
            r = r.header("content-type", ct);
        }
        let r = r.send().await?;
        assert_eq!(
            r.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        let v: Value = r.json().await?;
        assert_eq!(v["error"], "unsupported_media_type");
    }
    // A route without a body refuses a non-JSON one too, and takes none at all.
    let approve = format!("{}/api/v1/staff/report-versions/1/approve", app.base);
    let r = app
        .http
        .post(&approve)
        .bearer_auth(&app.head)
        .header("content-type", "text/plain")
        .body("approve!")
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = app
        .http
        .post(&approve)
        .bearer_auth(&app.head)
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "no body, no version 1");
    let r = app
        .http
        .post(&url)
        .header("content-type", "application/json; charset=utf-8")
        .body(filing().to_string())
        .send()
        .await?;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "a charset parameter is fine"
    );
    let mut big = filing();
    big["description"] = json!("字".repeat(20_000));
    let (s, v) = app
        .post("/api/v1/agencies/fuxin-zrzyj/requests", None, big)
        .await?;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"], "payload_too_large");
    Ok(())
}

#[tokio::test]
async fn every_response_has_the_security_headers_and_personal_data_is_not_cached() -> Result<()> {
    let app = spawn(Backend::Sqlite, no_rates()).await?;
    let (_, filed) = app.file().await?;
    let n = filed["number"].as_str().unwrap().to_string();
    let code = filed["query_code"].as_str().unwrap().to_string();
    let g = reqwest::Method::GET;
    let p = reqwest::Method::POST;
    let cases: Vec<(reqwest::Method, String, Option<&str>, bool)> = vec![
        (g.clone(), "/health".into(), None, false),
        (g.clone(), "/api/openapi.json".into(), None, true),
        (g.clone(), "/api/v1/agencies".into(), None, false),
        (
            g.clone(),
            format!("/api/v1/requests/{n}?query_code={code}"),
            None,
            false,
        ),
        (
            g.clone(),
            format!("/api/v1/requests/{n}?query_code=WRONG"),
            None,
            false,
        ),
        (
            g.clone(),
            format!("/api/v1/staff/requests/{n}"),
            Some(&app.staff),
            false,
        ),
        (
            g.clone(),
            format!("/api/v1/staff/requests/{n}/personal-data?reason=%E6%A0%B8%E5%AF%B9"),
            Some(&app.staff),
            false,
        ),
        (
            g.clone(),
            format!("/api/v1/staff/requests/{n}"),
            None,
            false,
        ),
        (
            g.clone(),
            "/api/v1/admin/audit-log".into(),
            Some(&app.admin),
            false,
        ),
        (
            g.clone(),
            "/api/v1/agencies/fuxin-zrzyj/reports/2025/pdf".into(),
            None,
            true,
        ),
        (g.clone(), "/no/such/route".into(), None, false),
        (reqwest::Method::PUT, "/api/v1/agencies".into(), None, false),
        (
            p.clone(),
            "/api/v1/agencies/fuxin-zrzyj/requests".into(),
            None,
            false,
        ),
    ];
    for (method, path, token, cacheable) in cases {
        let mut r = app
            .http
            .request(method.clone(), format!("{}{path}", app.base));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if method == p {
            r = r.json(&filing());
        }
        let r = r.send().await?;
        let h = r.headers();
        let what = format!("{method} {path} → {}", r.status());
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        let csp = h["content-security-policy"].to_str()?;
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{what}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
        assert_eq!(h["x-frame-options"], "DENY", "{what}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{what}");
        if cacheable {
            assert!(h.get("cache-control").is_none(), "{what}");
        } else {
            assert_eq!(h["cache-control"], "no-store", "{what}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn filing_over_the_limit_gets_429_with_retry_after() -> Result<()> {
    let limits = ServerLimits {
        filing: RateLimit::per_hour(10, 3),
        ..ServerLimits::default()
    };
    let app = spawn(Backend::Sqlite, limits).await?;
    for i in 0..3 {
        let (s, v) = app.file().await?;
        assert_eq!(s, StatusCode::CREATED, "filing {i}: {v}");
    }
    let (s, h, v) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/agencies/fuxin-zrzyj/requests",
            None,
            Some(&filing()),
        )
        .await?;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["error"], "too_many_requests");
    assert_eq!(
        h["retry-after"], "360",
        "10 per hour: the next in 6 minutes"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    // Staff registration is not the public portal: not limited.
    let mut body = filing();
    body["channel"] = json!("in_person");
    let (s, v) = app
        .post(
            "/api/v1/staff/agencies/fuxin-zrzyj/requests",
            Some(&app.staff),
            body,
        )
        .await?;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    Ok(())
}

#[tokio::test]
async fn wrong_query_codes_are_limited() -> Result<()> {
    let limits = ServerLimits {
        tracking: RateLimit::per_minute(60, 20),
        ..ServerLimits::without_rate_limits()
    };
    let app = spawn(Backend::Sqlite, limits).await?;
    let (_, filed) = app.file().await?;
    let n = filed["number"].as_str().unwrap().to_string();
    let mut statuses = Vec::new();
    for i in 0..200 {
        let (s, _) = app
            .get(
                &format!("/api/v1/requests/{n}?query_code=GUESS{i:05}"),
                None,
            )
            .await?;
        statuses.push(s);
    }
    let tried = statuses
        .iter()
        .filter(|s| **s == StatusCode::NOT_FOUND)
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        tried <= 22,
        "at most the burst (and a refill) of guesses: {tried}"
    );
    assert_eq!(tried + limited, 200);
    Ok(())
}

#[tokio::test]
async fn the_deadline_query_stays_small_or_is_refused() -> Result<()> {
    let app = spawn(Backend::Sqlite, no_rates()).await?;
    let huge = "/api/v1/deadline?received=2024-01-02&paused=2024-01-03..2099-12-31";
    let r = app.http.get(format!("{}{huge}", app.base)).send().await?;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await?;
    assert_eq!(first_field(&v), "paused");
    let many: Vec<String> = (0..50)
        .map(|i| format!("2024-01-{:02}..2024-01-{:02}", 3 + i % 20, 3 + i % 20))
        .collect();
    let path = format!(
        "/api/v1/deadline?received=2024-01-02&paused={}",
        many.join(",")
    );
    let (s, v) = app.get(&path, None).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // The largest accepted query: pauses of 180 days in all.
    let path = "/api/v1/deadline?received=2024-01-02&corrected=2024-01-05&paused=2024-01-08..2024-06-30&extended=true";
    let r = app.http.get(format!("{}{path}", app.base)).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await?;
    assert!(bytes.len() < 64 * 1024, "{} bytes", bytes.len());
    Ok(())
}

#[tokio::test]
async fn the_public_files_online_only_and_delivery_needs_its_contact() -> Result<()> {
    let app = spawn(Backend::Sqlite, no_rates()).await?;
    let url = "/api/v1/agencies/fuxin-zrzyj/requests";
    let mut body = filing();
    body["channel"] = json!("in_person");
    let (s, v) = app.post(url, None, body).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(first_field(&v), "channel");
    let mut body = filing();
    body["applicant"]["email"] = Value::Null;
    let (s, v) = app.post(url, None, body).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(first_field(&v), "applicant.email");
    let mut body = filing();
    body["delivery"] = json!("post");
    let (s, v) = app.post(url, None, body.clone()).await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(first_field(&v), "applicant.address");
    body["applicant"]["address"] = json!("辽宁省阜新市细河区中华路1号");
    let (s, v) = app.post(url, None, body).await?;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    Ok(())
}

#[tokio::test]
async fn departments_have_ids_and_listings_have_concluded_on() -> Result<()> {
    for backend in Backend::all() {
        let app = spawn(backend, no_rates()).await?;
        let (_, agency) = app.get("/api/v1/agencies/fuxin-zrzyj", None).await?;
        let dept = &agency["departments"][0];
        assert_eq!(dept["name"], "政府信息公开办公室", "{agency}");
        let id = dept["id"].as_i64().unwrap();
        let mut body = filing();
        body["channel"] = json!("in_person");
        body["department_id"] = json!(id);
        let (s, filed) = app
            .post(
                "/api/v1/staff/agencies/fuxin-zrzyj/requests",
                Some(&app.staff),
                body,
            )
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{filed}");
        let n = filed["number"].as_str().unwrap();
        let (s, v) = app
            .post(
                &format!("/api/v1/staff/requests/{n}/events"),
                Some(&app.staff),
                json!({"type": "answered", "on": "2025-06-09", "outcome": "disclosed"}),
            )
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, list) = app
            .get(
                "/api/v1/staff/agencies/fuxin-zrzyj/requests",
                Some(&app.staff),
            )
            .await?;
        assert_eq!(list[0]["concluded_on"], "2025-06-09", "{list}");
    }
    Ok(())
}

#[tokio::test]
async fn only_the_head_extends_and_the_approver_is_the_head() -> Result<()> {
    for backend in Backend::all() {
        let app = spawn(backend, no_rates()).await?;
        let (_, filed) = app.file().await?;
        let n = filed["number"].as_str().unwrap().to_string();
        let path = format!("/api/v1/staff/requests/{n}/events");
        let ext =
            json!({"type": "extended", "on": "2025-06-20", "days": 20, "reason": "需调取档案"});
        let (s, v) = app.post(&path, Some(&app.staff), ext.clone()).await?;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        assert_eq!(v["error"], "forbidden");
        let (s, v) = app.post(&path, Some(&app.admin), ext.clone()).await?;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "the system administrator is not the head and handles no request: {v}"
        );
        let mut typed = ext.clone();
        typed["approver"] = json!("市长");
        let (s, v) = app.post(&path, Some(&app.head), typed).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(first_field(&v), "approver");
        let (s, v) = app.post(&path, Some(&app.head), ext).await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["events"][1]["approver"], "公开办主任");
    }
    Ok(())
}

/// Reads until the server closes the connection (`Ok(bytes read)`), or fails after `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Result<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => bail!("still open after {within:?}"),
            Ok(Ok(0)) | Ok(Err(_)) => return Ok(got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

fn short() -> ServerLimits {
    ServerLimits {
        header_read_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_millis(600),
        body_read_timeout: Duration::from_millis(300),
        max_connections: 4,
        ..no_rates()
    }
}

#[tokio::test]
async fn a_client_trickling_header_lines_is_disconnected() -> Result<()> {
    let app = spawn(Backend::Sqlite, short()).await?;
    let mut s = TcpStream::connect(app.addr).await?;
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await?;
    let started = std::time::Instant::now();
    // One header line every 100 ms: never a complete head; the 300 ms header timeout ends it.
    let mut closed = false;
    for i in 0..30 {
        if s.write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())
            .await
            .is_err()
        {
            closed = true;
            break;
        }
        let mut buf = [0u8; 64];
        match tokio::time::timeout(Duration::from_millis(100), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            _ => {}
        }
    }
    assert!(closed, "the trickling client was not disconnected");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    Ok(())
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() -> Result<()> {
    let app = spawn(Backend::Sqlite, short()).await?;
    let mut s = TcpStream::connect(app.addr).await?;
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await?;
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf)).await??;
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // Keep-alive, then silence: closed by the server.
    closed_within(&mut s, Duration::from_secs(2)).await?;
    // A connection that never sends anything is closed too.
    let mut silent = TcpStream::connect(app.addr).await?;
    closed_within(&mut silent, Duration::from_secs(2)).await?;
    Ok(())
}

/// Reads one HTTP/1.1 response (head and `Content-Length` body), or what came before the
/// server closed; fails only if nothing complete arrives within `within` (a guard against a
/// hang, not a measurement).
async fn answer_within(stream: &mut TcpStream, within: Duration) -> Result<String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| body.len() >= n) {
                return Ok(text);
            }
        }
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => bail!("no complete answer within {within:?}: {text}"),
            Ok(Ok(0)) | Ok(Err(_)) => return Ok(text),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// A body that stops arriving is cut off by the body-read timeout — on the API and on every
/// page form alike — with a 408 in the caller's language, long before the request timeout.
#[tokio::test]
async fn a_stalled_body_is_answered_408_by_the_body_read_timeout() -> Result<()> {
    let limits = ServerLimits {
        body_read_timeout: Duration::from_millis(300),
        // Only the body-read timeout can answer 408 before this.
        request_timeout: Duration::from_secs(120),
        ..no_rates()
    };
    let app = spawn(Backend::Sqlite, limits).await?;
    let form = "application/x-www-form-urlencoded";
    for (path, content_type, start, zh) in [
        (
            "/api/v1/agencies/fuxin-zrzyj/requests",
            "application/json",
            "{\"applicant\":",
            None,
        ),
        (
            "/fuxin-zrzyj/apply",
            form,
            "applicant_kind=natural_person&applicant_name=",
            Some("提交超时"),
        ),
        ("/fuxin-zrzyj/track", form, "number=", Some("提交超时")),
        ("/fuxin-zrzyj/receipt", form, "number=", Some("提交超时")),
    ] {
        let mut s = TcpStream::connect(app.addr).await?;
        // Five hundred bytes announced, a few sent, then nothing.
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nSec-Fetch-Site: same-origin\r\nContent-Type: {content_type}\r\nContent-Length: 500\r\n\r\n{start}"
        );
        s.write_all(head.as_bytes()).await?;
        let answer = answer_within(&mut s, Duration::from_secs(20)).await?;
        assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer}");
        match zh {
            Some(heading) => {
                assert!(answer.contains("text/html"), "{path}: {answer}");
                assert!(answer.contains(heading), "{path}: the page says why");
            }
            None => assert!(answer.contains("\"error\":\"timeout\""), "{path}: {answer}"),
        }
    }
    // A body that arrives whole within the timeout is read as before.
    let (status, _) = app.file().await?;
    assert_eq!(status, StatusCode::CREATED);
    Ok(())
}

#[tokio::test]
async fn connections_above_the_limit_are_refused() -> Result<()> {
    let app = spawn(Backend::Sqlite, short()).await?;
    // Four connections hold the four permits (each sent a request; kept alive).
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut s = TcpStream::connect(app.addr).await?;
        s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            .await?;
        let mut buf = [0u8; 1024];
        let n = tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf)).await??;
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        held.push(s);
    }
    // The fifth is closed at once, without an answer.
    let mut fifth = TcpStream::connect(app.addr).await?;
    let _ = fifth
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let got = closed_within(&mut fifth, Duration::from_millis(250)).await?;
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
    // Once the held ones are gone (idle timeout), new connections are served again.
    for s in &mut held {
        closed_within(s, Duration::from_secs(2)).await?;
    }
    // The permits come back as the server's connection tasks end: poll, within 2 s.
    let mut again = None;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while again.is_none() && tokio::time::Instant::now() < deadline {
        tick.tick().await;
        if let Ok(r) = app.http.get(format!("{}/health", app.base)).send().await {
            again = Some(r.status());
        }
    }
    assert_eq!(again, Some(StatusCode::OK));
    Ok(())
}

#[tokio::test]
async fn the_openapi_document_lists_every_error_answer() -> Result<()> {
    let app = spawn(Backend::Sqlite, no_rates()).await?;
    let (_, doc) = app.get("/api/openapi.json", None).await?;
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let what = format!("{method} {path}");
            for status in ["400", "408", "500"] {
                assert!(responses.contains_key(status), "{what} lacks {status}");
            }
            if op.get("requestBody").is_some() {
                for status in ["413", "415", "422"] {
                    assert!(responses.contains_key(status), "{what} lacks {status}");
                }
            }
            if op.get("security").is_some() {
                assert!(responses.contains_key("401"), "{what} lacks 401");
            }
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        r["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{what} {status}"
                    );
                }
            }
        }
    }
    let filing = &doc["paths"]["/api/v1/agencies/{agency}/requests"]["post"]["responses"];
    assert!(filing["429"]["headers"]["Retry-After"].is_object());
    let list = &doc["paths"]["/api/v1/staff/agencies/{agency}/requests"]["get"]["responses"]["200"];
    assert_eq!(
        list["content"]["application/json"]["schema"]["items"]["$ref"],
        "#/components/schemas/RequestSummary",
        "a real schema, not Object"
    );
    Ok(())
}
