//! Accounts, roles and sessions of the back office (issue 10), on the real server: lockout,
//! idle and absolute expiry by an injectable clock, the TOTP second factor, cookie attributes,
//! CSRF on the login form, a session that survives a restart (two servers on one database),
//! the separation of the three administrators, and role × agency × department isolation.

mod common;

use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::Duration;
use gongkai_app::App;
use gongkai_domain::clock::{Clock, ManualClock};
use gongkai_store::testing::{Backend, fresh_pair, new_request};
use gongkai_store::{Actor, Role, Store};
use gongkai_web::{AppState, ServerLimits};
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::PASSWORD;

struct Site {
    base: String,
    /// A second server on the same database (another process, or the first restarted).
    other: String,
    http: reqwest::Client,
    clock: Arc<ManualClock>,
    app: App,
    store: Arc<dyn Store>,
    department_a: i64,
    department_b: i64,
}

async fn site(backend: Backend) -> Result<(Site, gongkai_store::testing::TestStore)> {
    let (ts, second) = fresh_pair(backend).await?;
    let store = ts.store.clone();
    let clock = Arc::new(ManualClock::starting(common::today()));
    let agency =
        gongkai_store::testing::agency(store.as_ref(), "fuxin-zrzyj", "阜新市自然资源局").await?;
    gongkai_store::testing::agency(store.as_ref(), "other", "另一机关").await?;
    let app = App::new(store.clone(), clock.clone());
    let (a, b) = common::departments_and_staff(&app, store.as_ref(), &agency, PASSWORD).await?;
    let state = AppState::with_clock(store.clone(), clock.clone()).behind_tls(true);
    let base = common::serve_state(state, ServerLimits::without_rate_limits()).await?;
    let other = common::serve_state(
        AppState::with_clock(second, clock.clone()),
        ServerLimits::without_rate_limits(),
    )
    .await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    Ok((
        Site {
            base,
            other,
            http,
            clock,
            app,
            store,
            department_a: a,
            department_b: b,
        },
        ts,
    ))
}

impl Site {
    /// Posts the login form from this site; the status, the session cookie set (if any) and
    /// the whole `Set-Cookie` header.
    async fn login(
        &self,
        login: &str,
        password: &str,
        code: &str,
    ) -> Result<(StatusCode, Option<String>, String)> {
        let r = common::post_login(&self.http, &self.base, login, password, code).await?;
        let set = r
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        Ok((r.status(), common::session_set(&set), set))
    }

    async fn page(
        &self,
        base: &str,
        path: &str,
        session: &str,
    ) -> Result<(StatusCode, String, String)> {
        let r = self
            .http
            .get(format!("{base}{path}"))
            .header("cookie", format!("gongkai_session={session}"))
            .send()
            .await?;
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        Ok((status, location, r.text().await?))
    }

    async fn api(&self, path: &str, auth: (&str, &str)) -> Result<(StatusCode, Value)> {
        let (kind, value) = auth;
        let req = self.http.get(format!("{}{path}", self.base));
        let req = if kind == "cookie" {
            req.header("cookie", format!("gongkai_session={value}"))
        } else {
            req.bearer_auth(value)
        };
        let r = req.send().await?;
        let status = r.status();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }

    async fn post_api(&self, path: &str, token: &str, body: Value) -> Result<(StatusCode, Value)> {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await?;
        let status = r.status();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }

    async fn audit_actions(&self) -> Result<Vec<String>> {
        let log = self.store.audit_entries(0, 1000).await?;
        Ok(log.into_iter().map(|e| e.action).collect())
    }
}

#[tokio::test]
async fn lockout_timeouts_cookies_and_csrf() -> Result<()> {
    for backend in Backend::all() {
        let (site, _ts) = site(backend).await?;
        let page = site
            .http
            .get(format!("{}/admin/login", site.base))
            .send()
            .await?;
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await?.contains("工作人员登录"));

        // CSRF: a login form posted from another site is refused before anything is checked.
        let cross = site
            .http
            .post(format!("{}/admin/login", site.base))
            .header("sec-fetch-site", "cross-site")
            .form(&[("login", "clerk"), ("password", PASSWORD)])
            .send()
            .await?;
        assert_eq!(cross.status(), StatusCode::FORBIDDEN);

        // Five failures in a row lock the account for 30 minutes: then even the right password fails.
        for _ in 0..5 {
            let (s, id, _) = site.login("clerk", "wrong password!", "").await?;
            assert_eq!((s, id), (StatusCode::UNPROCESSABLE_ENTITY, None));
        }
        let (s, id, _) = site.login("clerk", PASSWORD, "").await?;
        assert_eq!((s, id), (StatusCode::UNPROCESSABLE_ENTITY, None), "locked");
        site.clock.advance(Duration::minutes(29));
        assert_eq!(
            site.login("clerk", PASSWORD, "").await?.0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        site.clock.advance(Duration::minutes(1));
        let (s, first, set) = site.login("clerk", PASSWORD, "").await?;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let first = first.context("a session cookie")?;
        for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
            assert!(set.contains(attribute), "{attribute} in {set}");
        }
        let actions = site.audit_actions().await?;
        assert_eq!(
            actions.iter().filter(|a| *a == "login.fail").count(),
            7,
            "{actions:?}"
        );
        assert!(
            actions.contains(&"login.lock".to_string()) && actions.contains(&"login".to_string())
        );

        // /admin/ shows who is logged in; the cookie works on the API too.
        let (s, _, body) = site.page(&site.base, "/admin/", &first).await?;
        assert_eq!(s, StatusCode::OK);
        assert!(
            body.contains("clerk") && body.contains("公开办") && body.contains("阜新市自然资源局"),
            "{body}"
        );
        let list = "/api/v1/staff/agencies/fuxin-zrzyj/requests";
        assert_eq!(site.api(list, ("cookie", &first)).await?.0, StatusCode::OK);

        // A second login gets a fresh id; the old one is not reused.
        let (_, second, _) = site.login("clerk", PASSWORD, "").await?;
        let second = second.context("a session cookie")?;
        assert_ne!(first, second);

        // 15 minutes idle end a session; the restart-proof other server agrees.
        site.clock.advance(Duration::minutes(14));
        assert_eq!(
            site.page(&site.other, "/admin/", &second).await?.0,
            StatusCode::OK,
            "used within 15 minutes"
        );
        site.clock.advance(Duration::minutes(15));
        let (s, to, _) = site.page(&site.base, "/admin/", &second).await?;
        assert_eq!(
            (s, to.as_str()),
            (StatusCode::SEE_OTHER, "/admin/login"),
            "idle"
        );
        assert_eq!(
            site.api(list, ("cookie", &second)).await?.0,
            StatusCode::UNAUTHORIZED
        );

        // 12 hours end a session however busy it is.
        let (_, busy, _) = site.login("clerk", PASSWORD, "").await?;
        let busy = busy.context("a session cookie")?;
        for _ in 0..71 {
            site.clock.advance(Duration::minutes(10));
            assert!(site.app.actor_for_session(&busy).await?.is_some());
        }
        site.clock.advance(Duration::minutes(10));
        assert!(
            site.app.actor_for_session(&busy).await?.is_none(),
            "12 hours"
        );

        // Logout ends the session everywhere and clears the cookie.
        let (_, last, _) = site.login("clerk", PASSWORD, "").await?;
        let last = last.context("a session cookie")?;
        let out = site
            .http
            .post(format!("{}/admin/logout", site.base))
            .header("sec-fetch-site", "same-origin")
            .header("cookie", format!("gongkai_session={last}"))
            .send()
            .await?;
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        assert!(out.headers()["set-cookie"].to_str()?.contains("Max-Age=0"));
        assert_eq!(
            site.page(&site.other, "/admin/", &last).await?.0,
            StatusCode::SEE_OTHER
        );
        let actions = site.audit_actions().await?;
        assert!(actions.contains(&"logout".to_string()), "{actions:?}");
    }
    Ok(())
}

#[tokio::test]
async fn a_session_survives_a_restart() -> Result<()> {
    for backend in Backend::all() {
        let (site, _ts) = site(backend).await?;
        let (_, id, _) = site.login("clerk", PASSWORD, "").await?;
        let id = id.context("a session cookie")?;
        // The other server (a second process, or this one restarted) knows the session.
        let (s, _, body) = site.page(&site.other, "/admin/", &id).await?;
        assert_eq!(s, StatusCode::OK);
        assert!(body.contains("clerk"));
    }
    Ok(())
}

/// The code an authenticator shows now for the secret on the enrolment page.
fn code_now(site: &Site, secret: &str, login: &str) -> Result<String> {
    let now = u64::try_from(site.clock.now().timestamp())?;
    Ok(gongkai_app::accounts::totp_code(secret, login, now)?)
}

#[tokio::test]
async fn the_head_needs_a_second_factor() -> Result<()> {
    let (site, _ts) = site(Backend::Sqlite).await?;
    let (s, id, _) = site.login("head", PASSWORD, "").await?;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let id = id.context("a session cookie")?;
    // Until the second factor is enrolled the session acts as no one.
    let (s, to, _) = site.page(&site.base, "/admin/", &id).await?;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/admin/totp"));
    let list = "/api/v1/staff/agencies/fuxin-zrzyj/requests";
    assert_eq!(
        site.api(list, ("cookie", &id)).await?.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, _, page) = site.page(&site.base, "/admin/totp", &id).await?;
    assert_eq!(s, StatusCode::OK);
    let secret = page
        .split("<code id=\"totp-secret\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .context("the secret on the page")?
        .to_string();
    assert!(page.contains("otpauth://totp/"));
    let confirm = |code: String| {
        site.http
            .post(format!("{}/admin/totp", site.base))
            .header("sec-fetch-site", "same-origin")
            .header("cookie", format!("gongkai_session={id}"))
            .form(&[("code", code)])
            .send()
    };
    assert_eq!(
        confirm("000000".into()).await?.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = confirm(code_now(&site, &secret, "head")?).await?;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        site.api(list, ("cookie", &id)).await?.0,
        StatusCode::OK,
        "enrolled: the session acts"
    );
    // From now on a login needs the code.
    assert_eq!(
        site.login("head", PASSWORD, "").await?.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        site.login("head", PASSWORD, "123456").await?.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (s, fresh, _) = site
        .login("head", PASSWORD, &code_now(&site, &secret, "head")?)
        .await?;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, body) = site
        .page(&site.base, "/admin/", &fresh.context("cookie")?)
        .await?;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("负责人"));
    Ok(())
}

#[tokio::test]
async fn three_administrators_and_isolation() -> Result<()> {
    for backend in Backend::all() {
        let (site, _ts) = site(backend).await?;
        let system = Actor::system();
        let token = |name: &'static str, role: Role| {
            let store = site.store.clone();
            let system = system.clone();
            async move { store.create_token(name, role, None, &system).await }
        };
        let sysadmin = token("系统管理员", Role::Sysadmin).await?;
        let secadmin = token("安全管理员", Role::Secadmin).await?;
        let auditor = token("审计员", Role::Auditor).await?;

        // Requests in department A, in department B, and one not yet assigned.
        let agency = site.store.agency("fuxin-zrzyj").await?.context("agency")?;
        let mut numbers = Vec::new();
        for department in [Some(site.department_a), Some(site.department_b), None] {
            let mut new = new_request(agency.id, "2025-06-09");
            new.department_id = department;
            numbers.push(site.store.create_request(new, &system).await?.number);
        }

        // The system administrator manages accounts, not roles or the log.
        let user = json!({"login": "new.clerk", "role": "office", "agency": "fuxin-zrzyj"});
        let (s, v) = site
            .post_api("/api/v1/admin/users", &sysadmin, user.clone())
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert!(
            v["password"].as_str().is_some_and(|p| p.len() >= 12),
            "a generated password: {v}"
        );
        let admin_role = json!({"login": "new.admin", "role": "secadmin"});
        let (s, _) = site
            .post_api("/api/v1/admin/users", &sysadmin, admin_role)
            .await?;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "an administrator role is the operator's to give"
        );
        let short = json!({"login": "short.pw", "role": "office", "agency": "fuxin-zrzyj", "password": "elevenchars"});
        let (s, v) = site
            .post_api("/api/v1/admin/users", &sysadmin, short)
            .await?;
        assert_eq!(
            (s, v["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("password")),
            "{v}"
        );
        let role_change =
            json!({"role": "handler", "agency": "fuxin-zrzyj", "department": "耕地保护监督科"});
        let (s, _) = site
            .post_api(
                "/api/v1/admin/users/new.clerk/role",
                &sysadmin,
                role_change.clone(),
            )
            .await?;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(
            site.api("/api/v1/admin/audit-log", ("token", &sysadmin))
                .await?
                .0,
            StatusCode::NOT_FOUND
        );

        // The security administrator gives roles, and nothing else.
        let (s, v) = site
            .post_api("/api/v1/admin/users/new.clerk/role", &secadmin, role_change)
            .await?;
        assert_eq!(
            (s, v["role"].as_str()),
            (StatusCode::OK, Some("handler")),
            "{v}"
        );
        assert_eq!(
            site.post_api("/api/v1/admin/users", &secadmin, user.clone())
                .await?
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            site.api("/api/v1/admin/audit-log", ("token", &secadmin))
                .await?
                .0,
            StatusCode::NOT_FOUND
        );

        // The auditor reads the log, and nothing else.
        let (s, log) = site
            .api("/api/v1/admin/audit-log?limit=1000", ("token", &auditor))
            .await?;
        assert_eq!(s, StatusCode::OK);
        assert!(
            log.as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "user.role")
        );
        assert_eq!(
            site.post_api("/api/v1/admin/users", &auditor, user)
                .await?
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            site.api("/api/v1/admin/users", ("token", &auditor))
                .await?
                .0,
            StatusCode::NOT_FOUND
        );

        // None of the three handles requests.
        for admin in [&sysadmin, &secadmin, &auditor] {
            let (s, _) = site
                .api(
                    &format!("/api/v1/staff/requests/{}", numbers[0]),
                    ("token", admin),
                )
                .await?;
            assert_eq!(s, StatusCode::NOT_FOUND);
        }

        // A handler of department A: A's request is there; B's, an unassigned one and a
        // missing one are the same 404, by token and by session alike.
        let (s, v) = site
            .post_api(
                "/api/v1/admin/tokens",
                &sysadmin,
                json!({"name": "承办人A", "role": "handler", "agency": "fuxin-zrzyj", "department": "不动产登记科"}),
            )
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let handler_token = v["token"].as_str().context("token")?.to_string();
        let (_, session, _) = site.login("handler.a", PASSWORD, "").await?;
        let session = session.context("a session cookie")?;
        for auth in [
            ("token", handler_token.as_str()),
            ("cookie", session.as_str()),
        ] {
            let site = &site;
            let get = |n: String| async move {
                site.api(&format!("/api/v1/staff/requests/{n}"), auth).await
            };
            assert_eq!(get(numbers[0].clone()).await?.0, StatusCode::OK, "{auth:?}");
            let missing = get("fuxin-zrzyj-2025-99999".into()).await?;
            assert_eq!(missing.0, StatusCode::NOT_FOUND);
            for n in [&numbers[1], &numbers[2]] {
                let (s, body) = get(n.clone()).await?;
                assert_eq!(s, StatusCode::NOT_FOUND, "{auth:?} {n}");
                let normalise = |v: &Value, n: &str| v.to_string().replace(n, "N");
                assert_eq!(
                    normalise(&body, n),
                    normalise(&missing.1, "fuxin-zrzyj-2025-99999"),
                    "the same 404 as a missing request"
                );
            }
            let (s, list) = site
                .api("/api/v1/staff/agencies/fuxin-zrzyj/requests", auth)
                .await?;
            assert_eq!(s, StatusCode::OK);
            let listed: Vec<_> = list
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["number"].clone())
                .collect();
            assert_eq!(listed, vec![json!(numbers[0])], "only department A's");
        }
    }
    Ok(())
}
