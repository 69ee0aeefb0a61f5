//! The request form, the receipt, the tracking page, CSRF and the page rate limits, over HTTP
//! against the real server on a random port with a fresh database per test (SQLite, and
//! PostgreSQL when the test script provides one).

mod common;

use std::sync::Arc;

use anyhow::{Context, Result};
use gongkai_store::testing::{Backend, TestStore, fresh};
use gongkai_store::{Actor, Role};
use gongkai_web::{RateLimit, ServerLimits};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

const AGENCY: &str = "fuxin-zrzyj";

struct TestApp {
    base: String,
    http: reqwest::Client,
    staff: String,
    ts: TestStore,
}

/// The real app on port 0 over a fresh database; today is Monday 2025-06-09.
async fn spawn_app(backend: Backend, limits: ServerLimits) -> Result<TestApp> {
    let ts = fresh(backend).await?;
    let store = ts.store.clone();
    let agency = gongkai_store::testing::agency(store.as_ref(), AGENCY, "阜新市自然资源局").await?;
    let staff = store
        .create_token("公开办", Role::Office, Some(agency.id), &Actor::system())
        .await?;
    let (base, _) = common::serve(store, common::clock(), limits).await?;
    // A browser on this site: every form POST carries its fetch metadata.
    let mut headers = HeaderMap::new();
    headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
    Ok(TestApp {
        base,
        http: reqwest::Client::builder()
            .default_headers(headers)
            .build()?,
        staff,
        ts,
    })
}

async fn on_each_backend<F, Fut>(test: F) -> Result<()>
where
    F: Fn(Arc<TestApp>) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    for backend in Backend::all() {
        let app = Arc::new(spawn_app(backend, ServerLimits::without_rate_limits()).await?);
        test(app.clone())
            .await
            .map_err(|e| e.context(format!("on {backend:?}")))?;
    }
    Ok(())
}

/// A complete, valid form of a natural person.
fn form() -> Vec<(&'static str, String)> {
    [
        ("applicant_kind", "natural_person"),
        ("applicant_name", "李四"),
        ("applicant_id_type", "resident_id"),
        ("applicant_id_number", "11010519491231002X"),
        ("applicant_phone", "13800138000"),
        ("applicant_email", "lisi@example.cn"),
        ("applicant_address", "辽宁省阜新市海州区中华路1号"),
        ("applicant_org_code", ""),
        ("applicant_legal_representative", ""),
        ("applicant_contact_person", ""),
        ("description", "2020年某地块征收补偿方案"),
        ("document_number", "阜政发〔2020〕12号"),
        ("index_number", "11210900-2020-00012"),
        ("document_title", "关于某地块征收补偿方案的批复"),
        ("medium", "electronic"),
        ("delivery", "email"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

fn with(
    mut form: Vec<(&'static str, String)>,
    key: &str,
    value: &str,
) -> Vec<(&'static str, String)> {
    for (k, v) in form.iter_mut() {
        if *k == key {
            *v = value.to_string();
        }
    }
    form
}

/// The inner HTML of the element with `id` (up to the closing tag of its kind; the elements
/// looked at here hold no element of their own kind).
fn element<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let open = html[..at].rfind('<')?;
    let tag: String = html[open + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let open_end = at + html[at..].find('>')? + 1;
    let close = open_end + html[open_end..].find(&format!("</{tag}>"))?;
    Some(&html[open_end..close])
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Posts `form` to the page at `path` as this site's browser does.
    async fn send_form<T: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        form: &T,
    ) -> Result<reqwest::Response> {
        Ok(self.http.post(self.url(path)).form(form).send().await?)
    }

    async fn post_form(&self, path: &str, form: &[(&str, String)]) -> Result<(StatusCode, String)> {
        let r = self.send_form(path, form).await?;
        Ok((r.status(), r.text().await?))
    }

    /// Posts the request form (`/{agency}/apply`).
    async fn send_apply(&self, form: &[(&str, String)]) -> Result<reqwest::Response> {
        self.send_form(&format!("/{AGENCY}/apply"), form).await
    }

    /// Asks for the receipt of `number` with `code` (`/{agency}/receipt`).
    async fn receipt(&self, number: &str, code: &str) -> Result<reqwest::Response> {
        self.send_form(
            &format!("/{AGENCY}/receipt"),
            &[("number", number), ("query_code", code)],
        )
        .await
    }

    /// Files `body` through the JSON API, as the public does.
    async fn api_file(&self, body: &Value) -> Result<reqwest::Response> {
        Ok(self
            .http
            .post(self.url(&format!("/api/v1/agencies/{AGENCY}/requests")))
            .json(body)
            .send()
            .await?)
    }

    /// Files `form` through the page: the number and the code the confirmation shows.
    async fn apply(&self, form: &[(&str, String)]) -> Result<(String, String)> {
        let (status, html) = self.post_form(&format!("/{AGENCY}/apply"), form).await?;
        assert_eq!(status, StatusCode::OK, "{html}");
        let number = element(&html, "request-number").context("number shown")?;
        let code = element(&html, "query-code").context("code shown")?;
        Ok((number.to_string(), code.to_string()))
    }

    async fn track(&self, number: &str, code: &str) -> Result<reqwest::Response> {
        self.send_form(
            &format!("/{AGENCY}/track"),
            &[("number", number), ("query_code", code)],
        )
        .await
    }

    async fn track_page(&self, number: &str, code: &str) -> Result<String> {
        let r = self.track(number, code).await?;
        assert_eq!(r.status(), StatusCode::OK);
        Ok(r.text().await?)
    }

    async fn event(&self, number: &str, body: Value) -> Result<()> {
        let r = self
            .http
            .post(self.url(&format!("/api/v1/staff/requests/{number}/events")))
            .bearer_auth(&self.staff)
            .json(&body)
            .send()
            .await?;
        let status = r.status();
        let text = r.text().await?;
        assert_eq!(status, StatusCode::CREATED, "{text}");
        Ok(())
    }
}

#[tokio::test]
async fn a_wrong_id_checksum_is_shown_next_to_the_field_with_every_value_kept() -> Result<()> {
    on_each_backend(|app| async move {
        let page = app
            .http
            .get(app.url(&format!("/{AGENCY}/apply")))
            .send()
            .await?;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await?;
        assert!(html.contains("提交申请"), "{html}");
        assert!(html.contains("自然人填写") && html.contains("法人或者其他组织填写"));
        assert!(!html.contains("<script"), "the form needs no script");

        let bad = with(form(), "applicant_id_number", "110105194912310021");
        let (status, html) = app.post_form(&format!("/{AGENCY}/apply"), &bad).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains(r#"<div class="field has-error" id="field-applicant_id_number">"#),
            "{html}"
        );
        let message = element(&html, "applicant_id_number-error").context("the error")?;
        assert!(message.contains("身份证号码校验位不正确"), "{message}");
        assert!(
            html.contains(r#"aria-invalid="true" aria-describedby="applicant_id_number-error""#)
        );
        assert!(html.contains("error-summary") && html.contains("href=\"#applicant_id_number\""));
        // Every value entered comes back (the textarea's as its content, the choices selected).
        for (k, v) in &bad {
            if v.is_empty()
                || ["applicant_kind", "applicant_id_type", "medium", "delivery"].contains(k)
            {
                continue;
            }
            let kept = if *k == "description" {
                html.contains(&format!(">{v}</textarea>"))
            } else {
                html.contains(&format!("name=\"{k}\" value=\"{v}\""))
            };
            assert!(kept, "{k} = {v} kept");
        }
        assert!(html.contains(r#"<option value="natural_person" selected>"#));
        assert!(html.contains(r#"value="electronic" checked"#));
        assert!(html.contains(r#"value="email" checked"#));
        // Nothing else is marked wrong, and nothing was filed.
        assert_eq!(html.matches("has-error").count(), 1);
        let listed = app
            .http
            .get(app.url(&format!("/api/v1/staff/agencies/{AGENCY}/requests")))
            .bearer_auth(&app.staff)
            .send()
            .await?
            .json::<Value>()
            .await?;
        assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");

        // Missing required fields are each named, in Chinese.
        let empty: Vec<(&str, String)> = vec![("applicant_kind", "natural_person".into())];
        let (status, html) = app.post_form(&format!("/{AGENCY}/apply"), &empty).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        for (field, zh) in [
            ("applicant_name", "请填写姓名"),
            ("applicant_id_number", "请填写身份证件号码"),
            ("applicant_phone", "请填写联系电话"),
            ("description", "请填写所需政府信息"),
            ("medium", "请选择信息的载体形式"),
            ("delivery", "请选择获取信息的方式"),
        ] {
            let e = element(&html, &format!("{field}-error")).with_context(|| field.to_string())?;
            assert!(e.contains(zh), "{field}: {e}");
        }
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_filed_request_shows_its_number_and_code_once_and_the_receipt_proves_it() -> Result<()> {
    on_each_backend(|app| async move {
        let (status, html) = app.post_form(&format!("/{AGENCY}/apply"), &form()).await?;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("查询码只在本页显示这一次"));
        assert!(
            html.contains(
                r#"<form method="post" action="/fuxin-zrzyj/receipt" id="receipt-form">"#
            )
        );
        assert!(html.contains("下载回执"));
        let number = element(&html, "request-number")
            .context("number")?
            .to_string();
        let code = element(&html, "query-code").context("code")?.to_string();
        assert_eq!(number, "fuxin-zrzyj-2025-00001");

        // The request exists, with what the form said.
        let record = app.ts.store.request(&number).await?.context("stored")?;
        assert_eq!(record.applicant_name, "李四");
        assert_eq!(
            record.details.document_number.as_deref(),
            Some("阜政发〔2020〕12号")
        );
        assert_eq!(
            record.details.medium,
            Some(gongkai_domain::request::Medium::Electronic)
        );
        // The receipt: a PDF attachment with the number, the receipt date and the digest.
        let r = app.receipt(&number, &code).await?;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let disposition = r.headers()["content-disposition"].to_str()?.to_string();
        assert!(disposition.starts_with("attachment"), "{disposition}");
        let pdf = r.bytes().await?;
        assert!(pdf.starts_with(b"%PDF"));
        let text = common::pdftotext(&pdf)?;
        let digest = gongkai_app::tracking::request_digest(&record);
        assert_eq!(digest.len(), 64);
        for needle in [
            number.as_str(),
            "2025-06-09",
            "2025-07-07",
            digest.as_str(),
            "2020年某地块征收补偿方案",
            "阜政发〔2020〕12号",
            "电子数据",
            "李四（自然人）",
        ] {
            assert!(text.contains(needle), "receipt lacks {needle}:\n{text}");
        }

        // What the receipt proves is covered by the audit chain: a changed 文号 is found.
        let clean = app.ts.store.verify_audit_log().await?;
        assert!(clean.problems.is_empty(), "{clean}");
        app.ts
            .raw_exec(&format!(
                "UPDATE requests SET document_number = '阜政发〔2021〕1号' WHERE number = '{number}'"
            ))
            .await?;
        let forged = app.ts.store.verify_audit_log().await?;
        assert!(
            forged.problems.iter().any(|p| p.message.contains(&number)),
            "{forged}"
        );
        app.ts
            .raw_exec(&format!(
                "UPDATE requests SET document_number = '阜政发〔2020〕12号' WHERE number = '{number}'"
            ))
            .await?;

        // A wrong code for the receipt is the page of an unknown request.
        let wrong = app.receipt(&number, "WRONGCODE1").await?;
        assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
        assert!(wrong.text().await?.contains("未查询到该申请"));

        // Tracking shows it.
        let page = app.track_page(&number, &code).await?;
        assert!(
            page.contains("办理中") && !page.contains("已超期"),
            "{page}"
        );
        assert!(page.contains("2025-07-07"));
        assert!(page.contains("110105********002X") && !page.contains("11010519491231002X"));
        assert!(
            page.contains("答复期限：20个工作日（条例第三十三条）")
                && page.contains("2025-06-10 星期二 计入，第1个工作日")
                && !page.contains("working days"),
            "the deadline explained in Chinese: {page}"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_wrong_code_and_an_unknown_number_give_the_same_answer() -> Result<()> {
    on_each_backend(|app| async move {
        let (number, _code) = app.apply(&form()).await?;
        let wrong = app.track(&number, "WRONGCODE1").await?;
        let unknown = app.track("fuxin-zrzyj-2025-09999", "WRONGCODE1").await?;
        assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
        assert_eq!(wrong.status(), unknown.status());
        let (wrong, unknown) = (wrong.bytes().await?, unknown.bytes().await?);
        assert_eq!(
            wrong, unknown,
            "a wrong code and an unknown number look alike"
        );
        assert!(String::from_utf8_lossy(&wrong).contains("未查询到该申请"));
        // The receipt route answers the same page.
        let receipt = app.receipt(&number, "WRONGCODE1").await?;
        assert_eq!(receipt.status(), StatusCode::NOT_FOUND);
        assert_eq!(receipt.bytes().await?, wrong);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn tracking_marks_lateness_correction_and_hides_the_third_party_and_the_landline()
-> Result<()> {
    on_each_backend(|app| async move {
        // Registered by staff on 2025-04-01: due long before today (2025-06-09).
        let r = app
            .http
            .post(app.url(&format!("/api/v1/staff/agencies/{AGENCY}/requests")))
            .bearer_auth(&app.staff)
            .json(&json!({
                "applicant": {"kind": "natural_person", "name": "王五", "id_number": "11010519491231002X",
                              "phone": "0411-82342345", "address": "阜新市海州区"},
                "description": "某文件",
                "channel": "in_person",
                "delivery": "post",
                "arrived_on": "2025-04-01"
            }))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::CREATED);
        let late: Value = r.json().await?;
        let (n, code) = (
            late["number"].as_str().unwrap_or_default().to_string(),
            late["query_code"].as_str().unwrap_or_default().to_string(),
        );
        let page = app.track_page(&n, &code).await?;
        let status = element(&page, "status").context("status")?;
        assert!(status.contains("已超期"), "{status}");
        assert!(page.contains("0411-****2345"), "{page}");
        assert!(!page.contains("82342345") && !page.contains("041****"));
        let api: Value = app
            .http
            .get(app.url(&format!("/api/v1/requests/{n}?query_code={code}")))
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(api["overdue"], true, "{api}");
        assert_eq!(api["applicant"]["phone"], "0411-****2345");

        // Awaiting a correction: no old due date, but the rule.
        let (n, code) = app.apply(&form()).await?;
        app.event(
            &n,
            json!({"type": "correction_requested", "on": "2025-06-09", "items": "请写明地块位置", "correct_by": "2025-06-23"}),
        )
        .await?;
        let page = app.track_page(&n, &code).await?;
        let due = element(&page, "due").context("due")?;
        assert_eq!(due, "补正后重新计算");
        assert!(!page.contains("2025-07-07"), "the old due date is gone: {page}");
        assert!(page.contains("待补正") && page.contains("请写明地块位置"));

        // A consultation: the applicant is told, not whom.
        let (n, code) = app.apply(&form()).await?;
        app.event(
            &n,
            json!({"type": "consultation_started", "on": "2025-06-09", "party": "third_party", "with": "阜新某某置业有限公司"}),
        )
        .await?;
        let page = app.track_page(&n, &code).await?;
        assert!(page.contains("征求第三方意见"), "{page}");
        assert!(element(&page, "due").is_some_and(|d| d.contains("征求意见期间暂停计算")));
        assert!(!page.contains("阜新某某置业有限公司"), "{page}");
        let api = app
            .http
            .get(app.url(&format!("/api/v1/requests/{n}?query_code={code}")))
            .send()
            .await?
            .text()
            .await?;
        assert!(!api.contains("阜新某某置业有限公司"), "{api}");
        assert!(api.contains("consultation_started"));

        // Answered: the outcome in Chinese.
        let (n, code) = app.apply(&form()).await?;
        app.event(
            &n,
            json!({"type": "answered", "on": "2025-06-09", "outcome": "disclosed", "letter_no": "阜自然资公开〔2025〕1号"}),
        )
        .await?;
        let page = app.track_page(&n, &code).await?;
        assert!(page.contains("已答复"));
        let outcome = element(&page, "outcome").context("outcome")?;
        assert!(outcome.contains("予以公开"), "{outcome}");
        assert!(page.contains("阜自然资公开〔2025〕1号"));
        Ok(())
    })
    .await
}

/// A form POST of `form` to `url` by a client that sends only `header`, if any (not
/// necessarily this site's browser).
async fn post_from(
    url: &str,
    header: Option<(&str, &str)>,
    form: &(impl serde::Serialize + ?Sized),
) -> Result<reqwest::Response> {
    let mut r = reqwest::Client::new().post(url).form(form);
    if let Some((name, value)) = header {
        r = r.header(name, value);
    }
    Ok(r.send().await?)
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused() -> Result<()> {
    let app = spawn_app(Backend::Sqlite, ServerLimits::without_rate_limits()).await?;
    let bare = reqwest::Client::new();
    let url = app.url(&format!("/{AGENCY}/apply"));
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let r = post_from(&url, Some((name, value)), &form()).await?;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        let html = r.text().await?;
        assert!(
            html.contains("请求被拒绝") && html.contains("lang=\"zh-CN\""),
            "{html}"
        );
    }
    let r = post_from(&url, Some(("origin", "http://evil.example")), &form()).await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post_from(&url, None, &form()).await?;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "neither header: not a browser on this site"
    );
    let track = app.url(&format!("/{AGENCY}/track"));
    let code = [("number", "x"), ("query_code", "y")];
    let r = post_from(&track, Some(("sec-fetch-site", "cross-site")), &code).await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Same origin, by either header, works.
    for header in [
        ("origin", app.base.as_str()),
        ("sec-fetch-site", "same-origin"),
    ] {
        let r = post_from(&url, Some(header), &form()).await?;
        assert_eq!(r.status(), StatusCode::OK, "{header:?}");
    }
    // Nothing was filed by the refused posts.
    let listed: Value = bare
        .get(app.url(&format!("/api/v1/staff/agencies/{AGENCY}/requests")))
        .bearer_auth(&app.staff)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    // The JSON API is not a form target and keeps working cross-site (JSON only).
    let r = bare
        .get(app.url("/api/v1/agencies"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn over_the_limit_the_pages_answer_a_chinese_429_sharing_the_api_budget() -> Result<()> {
    let limits = ServerLimits {
        filing: RateLimit::per_hour(2, 2),
        tracking: RateLimit::per_hour(2, 2),
        ..ServerLimits::without_rate_limits()
    };
    let app = spawn_app(Backend::Sqlite, limits).await?;
    // One filing through the page, one through the API: the budget of two is spent.
    let (number, code) = app.apply(&form()).await?;
    let api_filing = json!({
        "applicant": {"kind": "natural_person", "name": "李四", "id_number": "11010519491231002X", "phone": "13800138000", "email": "lisi@example.cn"},
        "description": "某文件", "delivery": "email"
    });
    let r = app.api_file(&api_filing).await?;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.send_apply(&form()).await?;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"].to_str()?.parse()?;
    assert!(retry >= 1);
    let html = r.text().await?;
    assert!(html.contains("操作过于频繁"), "{html}");
    let r = app.send_apply(&form()).await?;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = app.api_file(&api_filing).await?;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.headers()["content-type"]
            .to_str()?
            .starts_with("application/json")
    );
    // The form itself (GET) is not counted.
    let r = app
        .http
        .get(app.url(&format!("/{AGENCY}/apply")))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK);

    // Tracking: the page, the receipt and the API share one budget.
    assert_eq!(app.track(&number, &code).await?.status(), StatusCode::OK);
    let r = app
        .http
        .get(app.url(&format!("/api/v1/requests/{number}?query_code={code}")))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.track(&number, &code).await?;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await?.contains("操作过于频繁"));
    let r = app.receipt(&number, &code).await?;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    Ok(())
}

#[tokio::test]
async fn the_json_api_takes_the_same_fields_and_names_them_the_same() -> Result<()> {
    on_each_backend(|app| async move {
        let url = app.url(&format!("/api/v1/agencies/{AGENCY}/requests"));
        let body = json!({
            "applicant": {"kind": "natural_person", "name": "John Smith", "id_type": "passport",
                          "id_number": "E12345678", "phone": "13800138000", "email": "js@example.org"},
            "description": "某文件",
            "document_title": "关于某事项的通知",
            "medium": "electronic",
            "delivery": "email"
        });
        let r = app.http.post(&url).json(&body).send().await?;
        assert_eq!(r.status(), StatusCode::CREATED);
        let filed: Value = r.json().await?;
        let number = filed["number"].as_str().unwrap_or_default();
        let record = app.ts.store.request(number).await?.context("stored")?;
        assert_eq!(record.id_number_masked.as_deref(), Some("E****678"));
        assert_eq!(record.details.document_title.as_deref(), Some("关于某事项的通知"));

        // The rule the form shows next to `medium` is the API's error on `medium`.
        let mut paper = body.clone();
        paper["medium"] = json!("paper");
        let r = app.http.post(&url).json(&paper).send().await?;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let v: Value = r.json().await?;
        assert_eq!(v["errors"][0]["field"], "medium", "{v}");
        let (status, html) = app
            .post_form(
                &format!("/{AGENCY}/apply"),
                &with(form(), "medium", "paper"),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(element(&html, "medium-error").is_some_and(|e| e.contains("纸质信息不能通过电子邮件")));
        Ok(())
    })
    .await
}
