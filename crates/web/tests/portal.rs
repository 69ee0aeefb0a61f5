//! The portal's pages (issue 9, section 2–3) against the real server on a random port with a
//! fresh database: `/`, `/{agency}/`, `/{agency}/guide`, `/{agency}/reports[/{year}]`, the 404
//! page, the security headers, the hashed stylesheet, the 长辈版 switch; and the agency settings
//! behind them, set through the admin API.

mod common;

use anyhow::Result;
use gongkai_store::testing::{Backend, TestStore, fresh};
use gongkai_store::{Actor, Role};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

struct TestApp {
    base: String,
    http: reqwest::Client,
    admin: String,
    staff: String,
    _store: TestStore,
}

/// The real app on port 0 with a fresh database; today is Monday 2025-06-09. The client does
/// not follow redirects (the tests look at them).
async fn spawn_app(backend: Backend) -> Result<TestApp> {
    let ts = fresh(backend).await?;
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
    let (base, _) = common::serve(
        store,
        common::clock(),
        gongkai_web::ServerLimits::without_rate_limits(),
    )
    .await?;
    Ok(TestApp {
        base,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?,
        admin,
        staff,
        _store: ts,
    })
}

impl TestApp {
    /// A page: its status, headers and body.
    async fn page(&self, path: &str) -> Result<(StatusCode, HeaderMap, String)> {
        self.page_with_cookie(path, None).await
    }

    async fn page_with_cookie(
        &self,
        path: &str,
        cookie: Option<&str>,
    ) -> Result<(StatusCode, HeaderMap, String)> {
        let mut r = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        let r = r.send().await?;
        Ok((r.status(), r.headers().clone(), r.text().await?))
    }

    /// A 200 HTML page in Chinese; its body.
    async fn ok_page(&self, path: &str) -> Result<String> {
        let (s, h, body) = self.page(path).await?;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
        assert!(
            h["content-type"].to_str()?.starts_with("text/html"),
            "{path} is HTML"
        );
        assert!(body.contains(r#"<html lang="zh-CN""#), "{path}: lang");
        Ok(body)
    }

    async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, Value)> {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await?;
        let s = r.status();
        let text = r.text().await?;
        Ok((s, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    async fn put_settings(&self, token: &str, body: Value) -> Result<(StatusCode, Value)> {
        self.json(
            reqwest::Method::PUT,
            "/api/v1/admin/agencies/fuxin-zrzyj/settings",
            token,
            Some(body),
        )
        .await
    }
}

fn settings() -> Value {
    json!({
        "office_name": "阜新市自然资源局办公室",
        "office_address": "阜新市细河区中华路53号",
        "postal_address": "阜新市细河区中华路53号 政府信息公开办公室",
        "postcode": "123000",
        "office_hours": "工作日 8:30—11:30，13:30—17:00",
        "phone": "0418-2812345",
        "fax": "0418-2812346",
        "email": "gongkai@fuxin.example.cn",
        "channels": "in_person,post_signed,online,email",
        "review_body": "阜新市人民政府",
        "sponsor": "阜新市自然资源局",
        "organiser": "阜新市自然资源局办公室",
        "site_code": "2109000012",
        "icp": "辽ICP备12345678号",
        "police": "辽公网安备21090202000123号"
    })
}

#[tokio::test]
async fn the_guide_shows_the_settings_the_procedure_and_the_fees() -> Result<()> {
    for backend in Backend::all() {
        let app = spawn_app(backend).await?;

        // Before any setting: the guide is complete without them (no "未设置" line).
        let guide = app.ok_page("/fuxin-zrzyj/guide").await?;
        assert!(guide.contains("阜新市自然资源局政府信息公开指南"));
        assert!(
            !guide.contains("未设置"),
            "{backend:?}: a missing setting is omitted"
        );
        assert!(!guide.contains("咨询电话"));

        let (s, v) = app.put_settings(&app.admin, settings()).await?;
        assert_eq!(s, StatusCode::OK, "{backend:?}: {v}");
        assert_eq!(v["settings"]["phone"], "0418-2812345");
        let (s, v) = app
            .json(
                reqwest::Method::GET,
                "/api/v1/admin/agencies/fuxin-zrzyj/settings",
                &app.admin,
                None,
            )
            .await?;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            v["settings"]["channels"],
            "in_person,post_signed,online,email"
        );

        let guide = app.ok_page("/fuxin-zrzyj/guide").await?;
        for shown in [
            "阜新市自然资源局办公室",
            "阜新市细河区中华路53号",
            "123000",
            "工作日 8:30—11:30，13:30—17:00",
            "0418-2812345",
            "0418-2812346",
            "mailto:gongkai@fuxin.example.cn",
            // The channels, with how to use them.
            "当面提交",
            "邮政寄送（需签收）",
            "互联网（本平台在线申请）",
            "电子邮件",
            r#"href="/fuxin-zrzyj/apply""#,
            // Classification (Art. 13–16, 19–20).
            "主动公开",
            "依申请公开",
            "不予公开",
            "第十四条",
            "第二十条",
            // The fees from the fee module (109号): the thresholds and the rates.
            "国办函〔2020〕109号",
            "第1—10件",
            "100元/件",
            "1—30页",
            "40元/页",
            // Remedies: the reconsideration body from the settings, 60 days, 6 months.
            "60日内向阜新市人民政府申请行政复议",
            "6个月内",
        ] {
            assert!(
                guide.contains(shown),
                "{backend:?}: the guide shows {shown}"
            );
        }
        // Fax is not an accepted channel here: the fax number is a contact, not a channel.
        assert!(!guide.contains("传真至0418-2812346"));

        // The flow chart: SVG, accessible, with the procedure's steps and day limits, and the
        // same steps as a text list.
        let svg_start = guide.find("<svg").expect("an inline SVG");
        let svg = &guide[svg_start..guide.find("</svg>").expect("closed") + 6];
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"flow-title\">依申请公开办理流程图</title>"));
        let mut last = 0;
        for step in ["收到申请", "补正", "征求意见", "延期答复", "作出答复"] {
            let at = svg[last..].find(&format!(">{step}")).unwrap_or_else(|| {
                panic!("{backend:?}: the chart shows {step} after the previous step")
            });
            last += at + 1;
        }
        for limit in [
            "7个工作日内",
            "15个工作日（不计入答复期限）",
            "最长延长20个工作日",
            "20个工作日内",
        ] {
            assert!(svg.contains(limit), "{backend:?}: the chart shows {limit}");
        }
        assert_eq!(
            svg.matches("<line").count(),
            4,
            "an arrow between each two steps"
        );
        let list = &guide[guide
            .find(r#"<ol class="flow-steps">"#)
            .expect("the text list")..];
        for step in ["收到申请", "补正", "征求意见", "延期答复", "作出答复"] {
            assert!(list.contains(&format!("<strong>{step}</strong>")));
        }

        // The footer, from the settings, on every page of the agency.
        for path in [
            "/fuxin-zrzyj/",
            "/fuxin-zrzyj/guide",
            "/fuxin-zrzyj/reports",
        ] {
            let page = app.ok_page(path).await?;
            for shown in [
                "主办单位：阜新市自然资源局",
                "承办单位：阜新市自然资源局办公室",
                "网站标识码：2109000012",
                "辽ICP备12345678号",
                "辽公网安备21090202000123号",
                "咨询电话：0418-2812345",
            ] {
                assert!(
                    page.contains(shown),
                    "{backend:?} {path}: footer shows {shown}"
                );
            }
        }

        // A change shows at once; a cleared key disappears.
        let (s, v) = app
            .put_settings(&app.admin, json!({"phone": "0418-2899999", "fax": ""}))
            .await?;
        assert_eq!(s, StatusCode::OK, "{v}");
        let guide = app.ok_page("/fuxin-zrzyj/guide").await?;
        assert!(guide.contains("0418-2899999"));
        assert!(!guide.contains("0418-2812345"));
        assert!(!guide.contains("0418-2812346"), "the cleared fax is gone");
        assert!(!guide.contains("<dt>传真</dt>"));
    }
    Ok(())
}

#[tokio::test]
async fn the_settings_api_validates_and_is_for_administrators() -> Result<()> {
    let app = spawn_app(Backend::Sqlite).await?;
    let (s, v) = app
        .put_settings(
            &app.admin,
            json!({"telephone": "0418-2812345", "postcode": "12", "email": "x"}),
        )
        .await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let text = v.to_string();
    for named in ["telephone", "postcode", "email", "office_name"] {
        assert!(text.contains(named), "the error names {named}: {text}");
    }
    // Nothing of a refused change is stored.
    let (_, v) = app
        .json(
            reqwest::Method::GET,
            "/api/v1/admin/agencies/fuxin-zrzyj/settings",
            &app.admin,
            None,
        )
        .await?;
    assert_eq!(v["settings"], json!({}));

    let (s, _) = app
        .put_settings(&app.staff, json!({"phone": "0418-2812345"}))
        .await?;
    assert_eq!(s, StatusCode::NOT_FOUND, "staff do not see the admin route");
    let (s, _) = app
        .json(
            reqwest::Method::PUT,
            "/api/v1/admin/agencies/nobody/settings",
            &app.admin,
            Some(json!({"phone": "0418-2812345"})),
        )
        .await?;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Documented in the OpenAPI document.
    let r = app
        .http
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await?;
    let doc: Value = r.json().await?;
    let path = &doc["paths"]["/api/v1/admin/agencies/{agency}/settings"];
    assert!(path["get"].is_object() && path["put"].is_object(), "{path}");

    // A slug that would shadow the site's own paths is refused at creation.
    for slug in ["api", "assets", "mode", "health"] {
        let (s, v) = app
            .json(
                reqwest::Method::POST,
                "/api/v1/admin/agencies",
                &app.admin,
                Some(json!({"slug": slug, "name": "某机关"})),
            )
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{slug}: {v}");
        assert!(v.to_string().contains("slug"), "{v}");
    }
    Ok(())
}

#[tokio::test]
async fn home_and_agency_home_list_what_has_content() -> Result<()> {
    let app = spawn_app(Backend::Sqlite).await?;
    let home = app.ok_page("/").await?;
    assert!(
        home.contains(r#"<a href="/fuxin-zrzyj/">阜新市自然资源局</a>"#),
        "{home}"
    );
    assert!(home.contains(r#"<a href="/other/">另一机关</a>"#));

    let page = app.ok_page("/fuxin-zrzyj/").await?;
    assert!(page.contains("<h2>政府信息公开指南</h2>"));
    assert!(page.contains(r#"href="/fuxin-zrzyj/guide""#));
    assert!(page.contains("<h2>依申请公开</h2>"));
    assert!(
        page.contains(r#"href="/fuxin-zrzyj/apply""#)
            && page.contains(r#"href="/fuxin-zrzyj/track""#)
    );
    // No empty columns: nothing published, no rules given, no proactive publications yet.
    assert!(!page.contains("<h2>政府信息公开年报</h2>"));
    assert!(!page.contains("<h2>政府信息公开制度</h2>"));
    assert!(!page.contains("法定主动公开内容"));
    // Breadcrumbs and the agency's name in the header.
    assert!(page.contains(r#"class="brand-name" href="/fuxin-zrzyj/">阜新市自然资源局</a>"#));
    assert!(page.contains(r#"aria-label="当前位置""#));

    let (s, _) = app
        .put_settings(
            &app.admin,
            json!({"system_text": "本机关政府信息公开工作实行主要负责人负责制。"}),
        )
        .await?;
    assert_eq!(s, StatusCode::OK);
    let page = app.ok_page("/fuxin-zrzyj/").await?;
    assert!(page.contains("<h2>政府信息公开制度</h2>"));
    assert!(page.contains("本机关政府信息公开工作实行主要负责人负责制。"));

    // Without the slash: a redirect to the agency's home.
    let (s, h, _) = app.page("/fuxin-zrzyj").await?;
    assert_eq!(s, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(h["location"], "/fuxin-zrzyj/");
    Ok(())
}

#[tokio::test]
async fn published_reports_are_pages_with_their_frozen_downloads() -> Result<()> {
    for backend in Backend::all() {
        let app = spawn_app(backend).await?;
        let list = app.ok_page("/fuxin-zrzyj/reports").await?;
        assert!(list.contains("尚未发布"), "{backend:?}");
        let (s, _, body) = app.page("/fuxin-zrzyj/reports/2025").await?;
        assert_eq!(s, StatusCode::NOT_FOUND, "{backend:?}: not published yet");
        assert!(body.contains("页面不存在"));

        // Write section 五, make a version, approve and publish it (the head).
        let report_path = "/api/v1/staff/agencies/fuxin-zrzyj/reports/2025";
        let (_, r) = app
            .json(reqwest::Method::GET, report_path, &app.staff, None)
            .await?;
        let sections = json!({"overview": r["sections"]["overview"], "problems": "公开形式还不够丰富。下步将完善制度建设。", "other": "无。"});
        let (s, v) = app
            .json(
                reqwest::Method::PUT,
                &format!("{report_path}/sections"),
                &app.staff,
                Some(sections),
            )
            .await?;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        let (s, v) = app
            .json(
                reqwest::Method::POST,
                &format!("{report_path}/versions"),
                &app.staff,
                Some(json!({})),
            )
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().unwrap();
        let (s, v) = app
            .json(
                reqwest::Method::POST,
                "/api/v1/admin/tokens",
                &app.admin,
                Some(json!({"name": "主任", "role": "head", "agency": "fuxin-zrzyj"})),
            )
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let head = v["token"].as_str().unwrap().to_string();
        for step in ["approve", "publish"] {
            let (s, v) = app
                .json(
                    reqwest::Method::POST,
                    &format!("/api/v1/staff/report-versions/{id}/{step}"),
                    &head,
                    Some(json!({})),
                )
                .await?;
            assert_eq!(s, StatusCode::OK, "{step}: {v}");
        }

        let list = app.ok_page("/fuxin-zrzyj/reports").await?;
        assert!(
            list.contains(r#"href="/fuxin-zrzyj/reports/2025""#),
            "{backend:?}"
        );
        let home = app.ok_page("/fuxin-zrzyj/").await?;
        assert!(
            home.contains("<h2>政府信息公开年报</h2>"),
            "{backend:?}: the column appears"
        );
        assert!(home.contains("2025年度报告"));

        let page = app.ok_page("/fuxin-zrzyj/reports/2025").await?;
        assert!(
            page.contains("阜新市自然资源局2025年政府信息公开工作年度报告"),
            "{backend:?}: the title"
        );
        assert!(
            page.contains("<table>") && page.contains(r#"scope="col""#),
            "the report's tables"
        );
        assert!(
            page.contains("公开形式还不够丰富。下步将完善制度建设。"),
            "the sections"
        );
        assert!(!page.contains("style="), "no inline style under the CSP");
        let pdf = "/api/v1/agencies/fuxin-zrzyj/reports/2025/pdf";
        assert!(page.contains(&format!(r#"href="{pdf}""#)));
        assert!(page.contains(r#"href="/api/v1/agencies/fuxin-zrzyj/reports/2025/docx""#));
        let r = app.http.get(format!("{}{pdf}", app.base)).send().await?;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.bytes().await?.starts_with(b"%PDF"));

        for missing in [
            "/fuxin-zrzyj/reports/2024",
            "/fuxin-zrzyj/reports/abc",
            "/fuxin-zrzyj/reports/99999999999",
        ] {
            let (s, _, body) = app.page(missing).await?;
            assert_eq!(s, StatusCode::NOT_FOUND, "{missing}");
            assert!(body.contains("页面不存在"), "{missing}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn unknown_agencies_get_the_404_page_and_every_page_has_the_security_headers() -> Result<()> {
    let app = spawn_app(Backend::Sqlite).await?;
    for path in [
        "/nobody/",
        "/nobody/guide",
        "/nobody/reports",
        "/nobody/reports/2025",
        "/nobody",
        "/fuxin-zrzyj/nothing",
    ] {
        let (s, h, body) = app.page(path).await?;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert!(
            h["content-type"].to_str()?.starts_with("text/html"),
            "{path}"
        );
        assert!(
            body.contains(r#"<html lang="zh-CN""#) && body.contains("页面不存在"),
            "{path}"
        );
    }
    for path in [
        "/",
        "/fuxin-zrzyj/",
        "/fuxin-zrzyj/guide",
        "/fuxin-zrzyj/reports",
        "/nobody/",
    ] {
        let (_, h, _) = app.page(path).await?;
        let csp = h["content-security-policy"].to_str()?;
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(csp.contains("script-src 'self'"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
    }
    Ok(())
}

#[tokio::test]
async fn the_stylesheet_is_hashed_and_cached_and_the_elder_mode_persists() -> Result<()> {
    let app = spawn_app(Backend::Sqlite).await?;
    let page = app.ok_page("/fuxin-zrzyj/guide").await?;
    let at = page
        .find(r#"href="/assets/site."#)
        .expect("the stylesheet link")
        + 6;
    let href = &page[at..at + page[at..].find('"').unwrap()];
    assert!(href.ends_with(".css"), "{href}");
    let (s, h, css) = app.page(href).await?;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    assert!(h["content-type"].to_str()?.starts_with("text/css"));
    assert!(css.contains("html.elder"));
    let (s, _, _) = app.page("/assets/site.000000000000.css").await?;
    assert_eq!(s, StatusCode::NOT_FOUND, "a wrong hash");

    // Not in 长辈版 to begin with; the switch sets the cookie and comes back.
    assert!(!page.contains(r#"class="elder""#));
    let (s, h, _) = app.page("/mode?elder=1&next=/fuxin-zrzyj/guide").await?;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h["location"], "/fuxin-zrzyj/guide");
    let cookie = h["set-cookie"]
        .to_str()?
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(cookie, "gongkai_elder=1");
    let (s, _, page) = app
        .page_with_cookie("/fuxin-zrzyj/guide", Some(&cookie))
        .await?;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(r#"<html lang="zh-CN" class="elder">"#));
    assert!(page.contains("标准版"), "the switch back");
    // Error pages too, whether a handler or the router's fallback answered them, and the
    // switch on them comes back to the page asked for.
    for path in ["/no-such-agency/guide", "/fuxin-zrzyj/no/such/page"] {
        let (s, h, page) = app.page_with_cookie(path, Some(&cookie)).await?;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.contains(r#"<html lang="zh-CN" class="elder">"#),
            "{path}: {page}"
        );
        let next: String = url_encode(path);
        assert!(page.contains(&format!("next={next}")), "{path}");
        let length: usize = h["content-length"].to_str()?.parse()?;
        assert_eq!(length, page.len(), "{path}: the length of the page sent");
    }
    Ok(())
}

fn url_encode(path: &str) -> String {
    path.replace('/', "%2F")
}
