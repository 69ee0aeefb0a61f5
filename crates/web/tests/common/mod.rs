//! What the web tests share: the real server on port 0 over a given store, with today fixed
//! ([`serve`]); and the usual deployment, the seed agency with its staff's and its head's tokens
//! in a fresh store on that clock, served ([`seeded`]). A test that needs more agencies or other
//! limits sets them up itself, then calls [`serve`].

#![allow(dead_code)] // each test binary uses its part

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use gongkai_store::testing::{Backend, TestStore, fresh_with_clock};
use gongkai_store::{Actor, Agency, Role, Store};
use gongkai_web::{AppState, Clock, FixedClock, ServerLimits};

/// The tests' today: Monday 2025-06-09, a working day.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 9).expect("a valid date")
}

/// A clock that always says [`today`].
pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock(today()))
}

/// Serves the whole application over `store` on 127.0.0.1:0 with `clock` and `limits`; the
/// base URL (`http://127.0.0.1:PORT`) and the address.
pub async fn serve(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    limits: ServerLimits,
) -> Result<(String, SocketAddr)> {
    let state = AppState::with_clock(store, clock);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { gongkai_web::serve(listener, state, limits).await });
    Ok((format!("http://{addr}"), addr))
}

/// The seed agency of the web tests.
pub const AGENCY: &str = "fuxin-zrzyj";
pub const AGENCY_NAME: &str = "阜新市自然资源局";

/// A served deployment made by [`seeded`].
pub struct Seeded {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub addr: SocketAddr,
    pub agency: Agency,
    /// Bearer tokens of the agency's 公开办 (staff) and of its head.
    pub staff: String,
    pub head: String,
    /// The database, kept while the server runs.
    pub store: TestStore,
}

/// The seed agency ([`AGENCY`]) with a staff member's and the head's tokens, in a fresh store of
/// `backend` whose clock says [`today`], served on port 0 without rate limits.
pub async fn seeded(backend: Backend) -> Result<Seeded> {
    let today = clock();
    let ts = fresh_with_clock(backend, today.clone()).await?;
    let store = ts.store.clone();
    let agency = gongkai_store::testing::agency(store.as_ref(), AGENCY, AGENCY_NAME).await?;
    let (staff, head) = staff_and_head(store.as_ref(), agency.id).await?;
    let (base, addr) = serve(store, today, ServerLimits::without_rate_limits()).await?;
    Ok(Seeded {
        base,
        addr,
        agency,
        staff,
        head,
        store: ts,
    })
}

/// Bearer tokens of `agency_id`'s 公开办 (staff) and of its head.
pub async fn staff_and_head(store: &dyn Store, agency_id: i64) -> Result<(String, String)> {
    let staff = store
        .create_token("公开办", Role::Office, Some(agency_id), &Actor::system())
        .await?;
    let head = store
        .create_token("公开办主任", Role::Head, Some(agency_id), &Actor::system())
        .await?;
    Ok((staff, head))
}

impl Seeded {
    /// Registers 李四's request, handed in today, through the staff API; its number.
    pub async fn register(&self) -> Result<String> {
        register_request(&self.base, &self.staff).await
    }
}

/// Registers 李四's request, handed in today, through the staff API of the server at `base`
/// with the agency's staff token; its number.
pub async fn register_request(base: &str, staff: &str) -> Result<String> {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/staff/agencies/{AGENCY}/requests"))
        .bearer_auth(staff)
        .json(&serde_json::json!({
            "applicant": {"kind": "natural_person", "name": "李四",
                          "id_number": "11010519491231002X", "phone": "13800138000"},
            "description": "2020年某地块征收补偿方案",
            "channel": "in_person", "delivery": "collect", "arrived_on": today().to_string()
        }))
        .send()
        .await?;
    anyhow::ensure!(r.status() == reqwest::StatusCode::CREATED, "{}", r.status());
    let v: serde_json::Value = r.json().await?;
    v["number"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("no number in {v}"))
}

/// The text of a PDF, as `pdftotext` (poppler-utils; scripts/test.sh installs it) reads it.
pub fn pdftotext(pdf: &[u8]) -> Result<String> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf)?;
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .context("pdftotext (poppler-utils; scripts/test.sh installs it)")?;
    anyhow::ensure!(out.status.success(), "pdftotext failed");
    Ok(String::from_utf8(out.stdout)?)
}

/// Serves the application of `state` (its own clock, `behind_tls`) on 127.0.0.1:0; the base URL.
pub async fn serve_state(state: AppState, limits: ServerLimits) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { gongkai_web::serve(listener, state, limits).await });
    Ok(format!("http://{addr}"))
}

/// The password the tests give every account they create.
pub const PASSWORD: &str = "correct horse battery";

/// Creates the account `login` of `role` (with [`PASSWORD`]) at `agency`, in `department`,
/// supervising `supervises`.
pub async fn user(
    app: &gongkai_app::App,
    login: &str,
    role: &str,
    agency: Option<&str>,
    department: Option<&str>,
    supervises: &[&str],
) -> Result<()> {
    app.create_user(
        &gongkai_app::UserInput {
            login: login.into(),
            role: role.into(),
            agency: agency.map(str::to_string),
            department: department.map(str::to_string),
            supervises: supervises.iter().map(|s| s.to_string()).collect(),
            password: Some(PASSWORD.into()),
            ..Default::default()
        },
        &Actor::system(),
    )
    .await?;
    Ok(())
}

/// Posts the login form from this site; the answer.
pub async fn post_login(
    http: &reqwest::Client,
    base: &str,
    login: &str,
    password: &str,
    code: &str,
) -> Result<reqwest::Response> {
    Ok(http
        .post(format!("{base}/admin/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("login", login), ("password", password), ("code", code)])
        .send()
        .await?)
}

/// The session cookie a `Set-Cookie` header sets, if any.
pub fn session_set(set_cookie: &str) -> Option<String> {
    set_cookie
        .strip_prefix("gongkai_session=")
        .and_then(|rest| rest.split(';').next())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Logs `login` in through the login page (no second factor) with [`PASSWORD`]; the session
/// cookie's value.
pub async fn login(http: &reqwest::Client, base: &str, login: &str) -> Result<String> {
    let r = post_login(http, base, login, PASSWORD, "").await?;
    let set = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    session_set(set).with_context(|| format!("no session for {login}: {}", r.status()))
}

/// The seed agency ([`AGENCY`]) with two departments (不动产登记科, 耕地保护监督科) and another
/// agency (`other`), in `store`.
pub async fn agency_with_two_departments(
    store: &dyn Store,
) -> Result<(Agency, gongkai_store::Department, gongkai_store::Department)> {
    let agency = gongkai_store::testing::agency(store, AGENCY, AGENCY_NAME).await?;
    gongkai_store::testing::agency(store, "other", "另一机关").await?;
    let a = store
        .add_department(agency.id, "不动产登记科", &Actor::system())
        .await?;
    let b = store
        .add_department(agency.id, "耕地保护监督科", &Actor::system())
        .await?;
    Ok((agency, a, b))
}

/// Creates the account `login` of `agency` (named `name`, or by its login) in `role` — a
/// handler in `department` — with `password`, as `gongkai user add` does.
pub async fn add_user(
    app: &gongkai_app::App,
    agency: &str,
    (login, name, role, department): (&str, Option<&str>, &str, Option<&str>),
    password: &str,
) -> Result<()> {
    app.create_user(
        &gongkai_app::UserInput {
            login: login.into(),
            name: name.map(str::to_string),
            role: role.into(),
            agency: Some(agency.into()),
            department: department.map(str::to_string),
            password: Some(password.into()),
            ..Default::default()
        },
        &Actor::system(),
    )
    .await?;
    Ok(())
}

/// The two departments of `agency` (不动产登记科, 耕地保护监督科) and its three accounts with
/// `password`: `clerk` (公开办), `handler.a` (承办人 of 不动产登记科) and `head` (负责人, who
/// enrols TOTP at the first login); the departments' ids.
pub async fn departments_and_staff(
    app: &gongkai_app::App,
    store: &dyn Store,
    agency: &Agency,
    password: &str,
) -> Result<(i64, i64)> {
    let a = store
        .add_department(agency.id, "不动产登记科", &Actor::system())
        .await?;
    let b = store
        .add_department(agency.id, "耕地保护监督科", &Actor::system())
        .await?;
    for (login, role, department) in [
        ("clerk", "office", None),
        ("handler.a", "handler", Some("不动产登记科")),
        ("head", "head", None),
    ] {
        add_user(app, &agency.slug, (login, None, role, department), password).await?;
    }
    Ok((a.id, b.id))
}
