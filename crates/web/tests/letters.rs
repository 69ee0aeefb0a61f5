//! Letters (告知书) over HTTP against the real server on port 0, on SQLite and (when the test
//! script provides one) PostgreSQL: each event that sends a letter numbers and freezes it, the
//! applicant's tracking page and API offer the letters addressed to them (never the
//! consultation letter), and the answer letter's text has the 申请编号, the outcome's article
//! and the remedy clause naming the agency's 复议机关.

mod common;

use anyhow::{Context, Result};
use gongkai_domain::agency::SettingChange;
use gongkai_store::testing::{Backend, TestStore, fresh};
use gongkai_store::{Actor, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

const AGENCY: &str = "fuxin-zrzyj";
const REVIEW_BODY: &str = "阜新市人民政府";

struct TestApp {
    base: String,
    http: reqwest::Client,
    staff: String,
    other_staff: String,
    ts: TestStore,
}

async fn spawn_app(backend: Backend) -> Result<TestApp> {
    let ts = fresh(backend).await?;
    let store = ts.store.clone();
    let agency = gongkai_store::testing::agency(store.as_ref(), AGENCY, "阜新市自然资源局").await?;
    let other = gongkai_store::testing::agency(store.as_ref(), "other", "另一机关").await?;
    store
        .set_agency_settings(
            agency.id,
            &[
                SettingChange::new("review_body", REVIEW_BODY)?,
                SettingChange::new("letter_number", "阜自然资依复〔{year}〕{serial}号")?,
            ],
            &Actor::system(),
        )
        .await?;
    let staff = store
        .create_token("公开办", Role::Office, Some(agency.id), &Actor::system())
        .await?;
    let other_staff = store
        .create_token("他机关", Role::Office, Some(other.id), &Actor::system())
        .await?;
    let (base, _) = common::serve(
        store,
        common::clock(),
        gongkai_web::ServerLimits::without_rate_limits(),
    )
    .await?;
    Ok(TestApp {
        base,
        // The pages' forms are posted from the site itself (see csrf.rs).
        http: reqwest::Client::builder()
            .default_headers(reqwest::header::HeaderMap::from_iter([(
                reqwest::header::HeaderName::from_static("sec-fetch-site"),
                reqwest::header::HeaderValue::from_static("same-origin"),
            )]))
            .build()?,
        staff,
        other_staff,
        ts,
    })
}

impl TestApp {
    /// The PDF of letter `seq` by the tracking page's form (number and 查询码).
    async fn letter_form(&self, number: &str, code: &str, seq: i64) -> Result<reqwest::Response> {
        Ok(self
            .http
            .post(self.url(&format!("/{AGENCY}/letter")))
            .form(&[
                ("number", number),
                ("query_code", code),
                ("seq", &seq.to_string()),
                ("format", "pdf"),
            ])
            .send()
            .await?)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(StatusCode, Value)> {
        let mut r = self.http.request(method, self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await?;
        let status = r.status();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }
    async fn event(&self, number: &str, body: Value) -> Result<Value> {
        let path = format!("/api/v1/staff/requests/{number}/events");
        let (s, v) = self
            .json(reqwest::Method::POST, &path, Some(&self.staff), Some(body))
            .await?;
        anyhow::ensure!(s == StatusCode::CREATED, "{s}: {v}");
        Ok(v)
    }
}

/// The letter's text without the line breaks of its layout.
fn pdftotext(pdf: &[u8]) -> Result<String> {
    Ok(common::pdftotext(pdf)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect())
}

#[tokio::test]
async fn the_applicant_downloads_the_notices_and_the_answer_letter_but_never_the_consultation()
-> Result<()> {
    for backend in Backend::all() {
        let app = spawn_app(backend).await?;
        the_letter_path(&app)
            .await
            .map_err(|e| e.context(format!("on {backend:?}")))?;
    }
    Ok(())
}

async fn the_letter_path(app: &TestApp) -> Result<()> {
    let filing = json!({
        "applicant": {"kind": "natural_person", "name": "李四", "id_number": "11010519491231002X", "phone": "13800138000"},
        "description": "2020年某地块征收补偿方案",
        "channel": "online",
        "delivery": "online"
    });
    let (s, filed) = app
        .json(
            reqwest::Method::POST,
            &format!("/api/v1/agencies/{AGENCY}/requests"),
            None,
            Some(filing),
        )
        .await?;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    let number = filed["number"].as_str().context("number")?.to_string();
    let code = filed["query_code"].as_str().context("code")?.to_string();

    app.event(
        &number,
        json!({"type": "correction_requested", "on": "2025-06-09", "items": "请写明地块的具体位置", "correct_by": "2025-06-20"}),
    )
    .await?;
    // The applicant's tracking API offers the 补正告知书 with its number at once.
    let track = format!("/api/v1/requests/{number}?query_code={code}");
    let (s, v) = app.json(reqwest::Method::GET, &track, None, None).await?;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The 受理回执, frozen with the filing, numbered by the request (the 文号 series is the
    // notices'), then the 补正告知书.
    assert_eq!(v["letters"][0]["kind"], "receipt", "{v}");
    assert_eq!(v["letters"][0]["event_seq"], 1, "{v}");
    assert_eq!(v["letters"][0]["letter_no"], number.as_str());
    assert_eq!(v["letters"][1]["kind"], "correction", "{v}");
    assert_eq!(v["letters"][1]["letter_no"], "阜自然资依复〔2025〕1号");

    app.event(&number, json!({"type": "corrected", "on": "2025-06-09"}))
        .await?;
    app.event(
        &number,
        json!({"type": "consultation_started", "on": "2025-06-09", "party": "third_party", "with": "某某置业有限公司"}),
    )
    .await?;
    app.event(
        &number,
        json!({"type": "consultation_answered", "on": "2025-06-09"}),
    )
    .await?;
    let answered = app
        .event(
            &number,
            json!({"type": "answered", "on": "2025-06-09", "outcome": "partially_disclosed"}),
        )
        .await?;
    // The answer event carries the number its letter was given (the third of the year).
    let answer_event = answered["events"]
        .as_array()
        .and_then(|e| e.last())
        .context("answer event")?;
    assert_eq!(
        answer_event["letter_no"], "阜自然资依复〔2025〕3号",
        "{answered}"
    );
    let answer_seq = answer_event["seq"].as_i64().context("seq")?;

    // Staff see every letter, the consultation's too.
    let (s, all) = app
        .json(
            reqwest::Method::GET,
            &format!("/api/v1/staff/requests/{number}/letters"),
            Some(&app.staff),
            None,
        )
        .await?;
    assert_eq!(s, StatusCode::OK, "{all}");
    let kinds: Vec<&str> = all
        .as_array()
        .context("list")?
        .iter()
        .filter_map(|l| l["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "receipt",
            "correction",
            "consultation.third_party",
            "answer.partially_disclosed"
        ]
    );
    let consultation_seq = all[2]["event_seq"].as_i64().context("seq")?;
    let r = app
        .http
        .get(app.url(&format!(
            "/api/v1/staff/requests/{number}/letters/{consultation_seq}/pdf"
        )))
        .bearer_auth(&app.staff)
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(pdftotext(&r.bytes().await?)?.contains("某某置业有限公司"));
    // Another agency's staff find nothing.
    let (s, _) = app
        .json(
            reqwest::Method::GET,
            &format!("/api/v1/staff/requests/{number}/letters"),
            Some(&app.other_staff),
            None,
        )
        .await?;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The tracking page lists the letters addressed to the applicant, not the consultation.
    let page = app
        .http
        .post(app.url(&format!("/{AGENCY}/track")))
        .form(&[("number", number.as_str()), ("query_code", code.as_str())])
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("政府信息公开申请受理回执"), "{page}");
    assert!(page.contains("政府信息公开申请补正告知书"), "{page}");
    assert!(page.contains("政府信息部分公开告知书"), "{page}");
    assert!(
        !page.contains("征求第三方意见书") && !page.contains("某某置业"),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"name="seq" value="{answer_seq}""#)),
        "{page}"
    );

    // The answer letter from the page's form: its text has the 申请编号, the article of 部分公开
    // and the remedy clause naming the agency's 复议机关.
    let r = app.letter_form(&number, &code, answer_seq).await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await?;
    let text = pdftotext(&pdf)?;
    for needle in [
        number.as_str(),
        "第三十七条",
        "阜自然资依复〔2025〕3号",
        "60日内向阜新市人民政府申请行政复议",
        "6个月内依法向人民法院提起行政诉讼",
        "李四",
    ] {
        assert!(text.contains(needle), "the letter lacks {needle}:\n{text}");
    }
    assert!(!text.contains("11010519491231002X"));
    // The PDF is the one recorded: its SHA-256 is the one the tracking API states.
    let (_, v) = app.json(reqwest::Method::GET, &track, None, None).await?;
    let listed = v["letters"]
        .as_array()
        .context("letters")?
        .iter()
        .find(|l| l["event_seq"] == answer_seq)
        .context("the answer letter")?;
    use sha2::Digest;
    assert_eq!(
        listed["pdf_sha256"].as_str(),
        Some(hex::encode(sha2::Sha256::digest(&pdf)).as_str())
    );
    assert_eq!(v["letters"].as_array().map(Vec::len), Some(3), "{v}");
    // The 受理回执 states the day of receipt (Art. 31) and the deadline, and is the applicant's.
    let r = app.letter_form(&number, &code, 1).await?;
    assert_eq!(r.status(), StatusCode::OK);
    let receipt = pdftotext(&r.bytes().await?)?;
    for needle in [
        number.as_str(),
        "受理回执",
        "第三十一条",
        "2025年6月9日",
        "李四",
    ] {
        assert!(
            receipt.contains(needle),
            "the receipt lacks {needle}:\n{receipt}"
        );
    }

    // The consultation letter by the applicant's API: 404, as a wrong code.
    let applicant_letter = |seq: i64, code: &str, format: &str| {
        app.http
            .post(app.url(&format!(
                "/api/v1/agencies/{AGENCY}/requests/{number}/letter"
            )))
            .json(&json!({"query_code": code, "event_seq": seq, "format": format}))
            .send()
    };
    assert_eq!(
        applicant_letter(consultation_seq, &code, "pdf")
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        applicant_letter(answer_seq, "WRONGCODE1", "pdf")
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    let docx = applicant_letter(answer_seq, &code, "docx").await?;
    assert_eq!(docx.status(), StatusCode::OK);
    assert!(docx.bytes().await?.starts_with(b"PK"));

    // The letters are in the audit chain, and frozen.
    let report = app.ts.store.verify_audit_log().await?;
    assert!(report.problems.is_empty(), "{report}");
    assert!(
        app.ts
            .raw_exec("UPDATE letters SET letter_no = 'x'")
            .await
            .is_err()
    );
    // Bytes changed behind the store (triggers dropped) are found by verify and never served.
    let drop = match app.ts.store.backend() {
        "postgres" => "DROP TRIGGER letters_frozen ON letters",
        _ => "DROP TRIGGER letters_no_update",
    };
    app.ts.raw_exec(drop).await?;
    app.ts
        .raw_exec(&format!(
            "UPDATE letters SET pdf = docx WHERE event_seq = {answer_seq}"
        ))
        .await?;
    let forged = app.ts.store.verify_audit_log().await?;
    assert!(
        forged
            .problems
            .iter()
            .any(|p| p.field.as_deref() == Some("letters.pdf")),
        "{forged}"
    );
    assert_eq!(
        applicant_letter(answer_seq, &code, "pdf").await?.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    Ok(())
}

#[tokio::test]
async fn an_agency_edits_previews_and_resets_a_template() -> Result<()> {
    let app = spawn_app(Backend::Sqlite).await?;
    let base = format!("/api/v1/staff/agencies/{AGENCY}/letter-templates/answer.withheld");
    let (s, t) = app
        .json(reqwest::Method::GET, &base, Some(&app.staff), None)
        .await?;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["is_default"], true);
    assert!(
        t["placeholders"]
            .as_array()
            .is_some_and(|p| p.contains(&json!("{救济途径}")))
    );

    // An unknown placeholder is refused, naming it.
    let (s, e) = app
        .json(
            reqwest::Method::PUT,
            &base,
            Some(&app.staff),
            Some(json!({"body": "{申请人}：{依据条款}{救济途径}{收费金额}"})),
        )
        .await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("{收费金额}"), "{e}");
    // So is a template without the remedy clause.
    let (s, e) = app
        .json(
            reqwest::Method::PUT,
            &base,
            Some(&app.staff),
            Some(json!({"body": "{申请人}：{依据条款}"})),
        )
        .await?;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    let body =
        "{申请人}：\n经审查，您申请的信息{办理结果}，依据{条例}{依据条款}不予公开。\n{救济途径}";
    let (s, t) = app
        .json(
            reqwest::Method::PUT,
            &base,
            Some(&app.staff),
            Some(json!({"body": body})),
        )
        .await?;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["is_default"], false);
    // Another agency's staff cannot read or write it.
    let (s, _) = app
        .json(reqwest::Method::GET, &base, Some(&app.other_staff), None)
        .await?;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The preview fills it with a request's facts.
    let (_, filed) = app
        .json(
            reqwest::Method::POST,
            &format!("/api/v1/agencies/{AGENCY}/requests"),
            None,
            Some(json!({
                "applicant": {"kind": "natural_person", "name": "王五", "id_number": "11010519491231002X", "phone": "13800138000"},
                "description": "某会议纪要",
                "channel": "online",
                "delivery": "online"
            })),
        )
        .await?;
    let number = filed["number"].as_str().context("number")?;
    let (s, p) = app
        .json(
            reqwest::Method::POST,
            &format!("{base}/preview"),
            Some(&app.staff),
            Some(json!({"number": number})),
        )
        .await?;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["number"], "阜自然资依复〔2025〕×号");
    assert_eq!(p["paragraphs"][0], "王五：");
    assert!(
        p["paragraphs"][2]
            .as_str()
            .is_some_and(|r| r.contains(REVIEW_BODY)),
        "{p}"
    );

    let (s, t) = app
        .json(reqwest::Method::DELETE, &base, Some(&app.staff), None)
        .await?;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["is_default"], true);
    Ok(())
}

#[tokio::test]
async fn concurrent_letters_get_distinct_numbers_without_gaps() -> Result<()> {
    for backend in Backend::all() {
        let app = std::sync::Arc::new(spawn_app(backend).await?);
        let mut numbers = Vec::new();
        for i in 0..6 {
            let (s, filed) = app
                .json(
                    reqwest::Method::POST,
                    &format!("/api/v1/agencies/{AGENCY}/requests"),
                    None,
                    Some(json!({
                        "applicant": {"kind": "natural_person", "name": format!("申请人{i}"), "id_number": "11010519491231002X", "phone": "13800138000"},
                        "description": "某会议纪要",
                        "channel": "online",
                        "delivery": "online"
                    })),
                )
                .await?;
            anyhow::ensure!(s == StatusCode::CREATED, "{filed}");
            numbers.push(filed["number"].as_str().context("number")?.to_string());
        }
        let mut tasks = tokio::task::JoinSet::new();
        for number in numbers {
            let app = app.clone();
            tasks.spawn(async move {
                app.event(
                    &number,
                    json!({"type": "correction_requested", "on": "2025-06-09", "items": "请写明文件名称", "correct_by": "2025-06-20"}),
                )
                .await?;
                let path = format!("/api/v1/staff/requests/{number}/letters");
                let (_, v) = app
                    .json(reqwest::Method::GET, &path, Some(&app.staff), None)
                    .await?;
                let correction = v
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|l| l["kind"] == "correction")
                    .cloned()
                    .unwrap_or_default();
                Ok::<_, anyhow::Error>(correction["letter_no"].as_str().unwrap_or_default().to_string())
            });
        }
        let mut got = Vec::new();
        while let Some(done) = tasks.join_next().await {
            got.push(done??);
        }
        let mut want: Vec<String> = (1..=6)
            .map(|i| format!("阜自然资依复〔2025〕{i}号"))
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "on {backend:?}");
    }
    Ok(())
}

/// A request registered by staff (in person, by post, …) gets its 受理回执 as a filed one does:
/// numbered by the request, dated the day it is registered, stating the Art. 31 day of receipt,
/// frozen and covered by the audit chain; the agency's 文号 series is not spent on it.
#[tokio::test]
async fn an_offline_registration_has_its_receipt_letter() -> Result<()> {
    for backend in Backend::all() {
        let app = spawn_app(backend).await?;
        let (s, created) = app
            .json(
                reqwest::Method::POST,
                &format!("/api/v1/staff/agencies/{AGENCY}/requests"),
                Some(&app.staff),
                Some(json!({
                    "applicant": {"kind": "natural_person", "name": "王五", "id_number": "11010519491231002X", "phone": "13800138001", "address": "辽宁省阜新市细河区中华路1号"},
                    "description": "某路段拓宽工程的批复文件",
                    "channel": "post_signed", "delivery": "post",
                    "arrived_on": "2025-06-03", "confirmed_on": "2025-06-05"
                })),
            )
            .await?;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let number = created["number"].as_str().context("number")?.to_string();
        let path = format!("/api/v1/staff/requests/{number}/letters");
        let (_, all) = app
            .json(reqwest::Method::GET, &path, Some(&app.staff), None)
            .await?;
        assert_eq!(all[0]["kind"], "receipt", "{backend:?}: {all}");
        assert_eq!(all[0]["letter_no"], number.as_str());
        assert_eq!(
            all[0]["issued_on"], "2025-06-09",
            "dated the day it is issued"
        );
        let r = app
            .http
            .get(app.url(&format!("{path}/1/pdf")))
            .bearer_auth(&app.staff)
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::OK);
        let text = pdftotext(&r.bytes().await?)?;
        // Post: received the day it was signed for (Art. 31(二)).
        assert!(
            text.contains("2025年6月5日收到") && text.contains("王五"),
            "{text}"
        );
        // The first notice still takes the first number of the series.
        let v = app
            .event(
                &number,
                json!({"type": "correction_requested", "on": "2025-06-09", "items": "请写明路段名称", "correct_by": "2025-06-20"}),
            )
            .await?;
        assert!(v.is_object());
        let (_, all) = app
            .json(reqwest::Method::GET, &path, Some(&app.staff), None)
            .await?;
        assert_eq!(all[1]["letter_no"], "阜自然资依复〔2025〕1号", "{all}");
        let report = app.ts.store.verify_audit_log().await?;
        assert!(report.is_ok(), "{backend:?}: {report}");
    }
    Ok(())
}
