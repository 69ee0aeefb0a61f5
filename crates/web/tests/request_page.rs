//! The request page `/admin/requests/{number}` (issue 10) on the real server, on every backend:
//! a handler of department A who guesses department B's number gets the 404 page of a missing
//! number; the page shows the applicant masked, the timeline with who recorded each step, the
//! deadline explanation and a form for each next step the ledger allows (the extension disabled
//! for all but the head); a refused step comes back in Chinese next to the field with the values
//! kept; a step sends its letter, listed with its download; unmasking is the office's, needs a
//! reason and is audited; internal notes are kept and never reach the applicant.

mod common;

use std::sync::Arc;

use anyhow::Result;
use gongkai_app::{App, LoginInput};
use gongkai_domain::clock::{Clock, ManualClock};
use gongkai_store::testing::{Backend, fresh_with_clock, new_request};
use gongkai_store::{Actor, SessionStage};
use gongkai_web::{AppState, ServerLimits};
use reqwest::StatusCode;

const PASSWORD: &str = "correct horse battery";

struct Office {
    base: String,
    http: reqwest::Client,
    store: Arc<dyn gongkai_store::Store>,
    /// Requests of department A, of department B.
    a: String,
    b: String,
    a_code: String,
    clerk: String,
    handler: String,
    head: String,
}

/// A session id for `login`, through the application's login (and, for the head, the TOTP
/// enrolment with the code an authenticator would show).
async fn session(app: &App, clock: &ManualClock, login: &str) -> Result<String> {
    let s = app
        .login(&LoginInput {
            login: login.into(),
            password: PASSWORD.into(),
            code: None,
            address: "127.0.0.1".into(),
        })
        .await?;
    if s.stage == SessionStage::Enrol {
        let enrolment = app.begin_totp(&s.id).await?;
        let now = u64::try_from(clock.now().timestamp())?;
        let code = gongkai_app::accounts::totp_code(&enrolment.secret, login, now)?;
        app.confirm_totp(&s.id, &code).await?;
    }
    Ok(s.id)
}

async fn office(backend: Backend) -> Result<(Office, gongkai_store::testing::TestStore)> {
    let clock = Arc::new(ManualClock::starting(common::today()));
    let ts = fresh_with_clock(backend, clock.clone()).await?;
    let store = ts.store.clone();
    let agency =
        gongkai_store::testing::agency(store.as_ref(), common::AGENCY, common::AGENCY_NAME).await?;
    let app = App::new(store.clone(), clock.clone());
    let (dept_a, dept_b) =
        common::departments_and_staff(&app, store.as_ref(), &agency, PASSWORD).await?;
    let mut numbers = Vec::new();
    for dept in [dept_a, dept_b] {
        let mut r = new_request(agency.id, &common::today().to_string());
        r.department_id = Some(dept);
        numbers.push(store.create_request(r, &Actor::system()).await?);
    }
    let base = common::serve_state(
        AppState::with_clock(store.clone(), clock.clone()),
        ServerLimits::without_rate_limits(),
    )
    .await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    Ok((
        Office {
            base,
            http,
            store,
            a: numbers[0].number.clone(),
            b: numbers[1].number.clone(),
            a_code: numbers[0].query_code.clone(),
            clerk: session(&app, &clock, "clerk").await?,
            handler: session(&app, &clock, "handler.a").await?,
            head: session(&app, &clock, "head").await?,
        },
        ts,
    ))
}

impl Office {
    async fn get(&self, path: &str, session: &str) -> Result<(StatusCode, String)> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("gongkai_session={session}"))
            .send()
            .await?;
        Ok((r.status(), r.text().await?))
    }

    /// Posts a form from this site; the status, the `Location`, the `Cache-Control` and the body.
    async fn post(
        &self,
        path: &str,
        session: &str,
        form: &[(&str, &str)],
    ) -> Result<(StatusCode, String, String, String)> {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", format!("gongkai_session={session}"))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await?;
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (location, cache) = (header("location"), header("cache-control"));
        Ok((r.status(), location, cache, r.text().await?))
    }
}

#[tokio::test]
async fn another_departments_request_is_the_404_of_a_missing_one() -> Result<()> {
    for backend in Backend::all() {
        let (o, _ts) = office(backend).await?;
        let own = o
            .get(&format!("/admin/requests/{}", o.a), &o.handler)
            .await?;
        assert_eq!(own.0, StatusCode::OK);
        let missing = o
            .get("/admin/requests/fuxin-zrzyj-2025-99999", &o.handler)
            .await?;
        assert_eq!(missing.0, StatusCode::NOT_FOUND);
        let guessed = o
            .get(&format!("/admin/requests/{}", o.b), &o.handler)
            .await?;
        assert_eq!(guessed.0, StatusCode::NOT_FOUND);
        let same = |page: &str, n: &str| page.replace(n, "N");
        assert_eq!(
            same(&guessed.1, &o.b),
            same(&missing.1, "fuxin-zrzyj-2025-99999"),
            "the same page but for the number typed"
        );
        // Nor can the handler record a step, a note or unmask there.
        for path in ["steps/withdrawn", "notes", "personal-data"] {
            let (s, _, _, body) = o
                .post(
                    &format!("/admin/requests/{}/{path}", o.b),
                    &o.handler,
                    &[("on", "2025-06-09"), ("body", "x"), ("reason", "x")],
                )
                .await?;
            assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
            assert!(
                body.contains("页面不存在") && !body.contains("李四"),
                "{path}"
            );
        }
        // The office sees both; no session is the login page.
        assert_eq!(
            o.get(&format!("/admin/requests/{}", o.b), &o.clerk)
                .await?
                .0,
            StatusCode::OK
        );
        let r = o
            .http
            .get(format!("{}/admin/requests/{}", o.base, o.a))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    Ok(())
}

#[tokio::test]
async fn the_page_offers_the_next_steps_and_records_them() -> Result<()> {
    for backend in Backend::all() {
        let (o, _ts) = office(backend).await?;
        let path = format!("/admin/requests/{}", o.a);
        let (s, page) = o.get(&path, &o.clerk).await?;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("110105********002X") && !page.contains("11010519491231002X"));
        assert!(page.contains("138****8000"));
        assert!(page.contains("2020年某地块征收补偿方案"));
        assert!(page.contains("答复期限的计算"), "the deadline explanation");
        // The attachments section with its upload form, which returns to this page.
        assert!(page.contains("id=\"attachment-form\""), "the upload form");
        assert!(page.contains(&format!("{path}/attachments")));
        assert!(page.contains("尚无附件"));
        // 7 working days from 2025-06-09 (Art. 30).
        assert!(
            page.contains("<dt>补正告知最迟于</dt><dd>2025-06-18</dd>"),
            "{page}"
        );
        for id in [
            "step-correction_requested",
            "step-consultation_started",
            "step-extended",
            "step-fee_noticed",
            "step-answered",
            "step-withdrawn",
        ] {
            assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(
            !page.contains("id=\"step-corrected\""),
            "nothing to correct yet"
        );
        // The extension is the head's: disabled, with the reason, for the clerk.
        assert!(page.contains("<fieldset disabled>"));
        assert!(page.contains("请由负责人登录后办理"));
        // Every outcome of table 2 that an answer can have, grouped as the report's table.
        for group in [
            "（一）予以公开",
            "（三）不予公开",
            "（五）不予处理",
            "（六）其他处理",
        ] {
            assert!(
                page.contains(&format!("<optgroup label=\"{group}\">")),
                "{group}"
            );
        }

        // A 补正 notice without its items: the error next to the field, the values kept.
        let step = format!("{path}/steps/correction_requested");
        let (s, _, _, again) = o
            .post(
                &step,
                &o.clerk,
                &[
                    ("on", "2025-06-09"),
                    ("items", " "),
                    ("correct_by", "2025-06-20"),
                ],
            )
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            again.contains("请写明需要补正的事项（第三十条）"),
            "{again}"
        );
        assert!(again.contains("value=\"2025-06-20\""));
        assert!(again.contains("有错误："));
        // A period beyond 20 working days.
        let (s, _, _, again) = o
            .post(
                &step,
                &o.clerk,
                &[
                    ("on", "2025-06-09"),
                    ("items", "请明确地块位置"),
                    ("correct_by", "2025-09-30"),
                ],
            )
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.contains("不超过告知后20个工作日"), "{again}");
        assert!(again.contains("请明确地块位置"));
        // The head's step, posted by the clerk anyway: refused, audited.
        let (s, _, _, again) = o
            .post(
                &format!("{path}/steps/extended"),
                &o.clerk,
                &[
                    ("on", "2025-06-09"),
                    ("days", "20"),
                    ("reason", "需调取档案"),
                ],
            )
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.contains("此操作须由信息公开工作机构负责人进行"));

        // The notice, recorded: back to the page, on the timeline with who did it, its letter listed.
        let (s, to, _, _) = o
            .post(
                &step,
                &o.clerk,
                &[
                    ("on", "2025-06-09"),
                    ("items", "请明确地块位置"),
                    ("correct_by", "2025-06-20"),
                ],
            )
            .await?;
        assert_eq!(
            (s, to.as_str()),
            (StatusCode::SEE_OTHER, format!("{path}#timeline").as_str())
        );
        let (_, page) = o.get(&path, &o.clerk).await?;
        assert!(page.contains("补正告知") && page.contains("请明确地块位置"));
        assert!(page.contains("clerk（公开办）记录于"), "who recorded it");
        assert!(page.contains("id=\"step-corrected\""));
        assert!(page.contains("<dt>申请人补正期限</dt><dd>2025-06-20</dd>"));
        assert!(
            !page.contains("id=\"step-correction_requested\""),
            "only once"
        );
        let pdf = format!("/api/v1/staff/requests/{}/letters/2/pdf", o.a);
        assert!(page.contains(&pdf) && page.contains("补正告知书"));
        let r = o
            .http
            .get(format!("{}{pdf}", o.base))
            .header("cookie", format!("gongkai_session={}", o.clerk))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.bytes().await?.starts_with(b"%PDF"));

        // The head extends a request of department B (the handler of A could not see it).
        let b = format!("/admin/requests/{}", o.b);
        let (_, page) = o.get(&b, &o.head).await?;
        assert!(!page.contains("请由负责人登录后办理"));
        let (s, _, _, _) = o
            .post(
                &format!("{b}/steps/extended"),
                &o.head,
                &[
                    ("on", "2025-06-09"),
                    ("days", "20"),
                    ("reason", "需调取历史档案"),
                ],
            )
            .await?;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, page) = o.get(&b, &o.head).await?;
        assert!(page.contains("延长20个工作日，批准人：head"), "{page}");
        assert!(page.contains("延期答复告知书"));
        assert!(!page.contains("id=\"step-extended\""), "only once");

        // The handler answers its own department's request: every form goes through the same use case.
        let (s, _, _, _) = o
            .post(
                &format!("{path}/steps/corrected"),
                &o.handler,
                &[("on", "2025-06-09")],
            )
            .await?;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (s, _, _, again) = o
            .post(
                &format!("{path}/steps/answered"),
                &o.handler,
                &[("on", "2025-06-09"), ("outcome", "")],
            )
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.contains("请选择办理结果"));
        let (s, _, _, _) = o
            .post(
                &format!("{path}/steps/answered"),
                &o.handler,
                &[
                    ("on", "2025-06-09"),
                    ("outcome", "partially_disclosed"),
                    ("letter_no", ""),
                ],
            )
            .await?;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, page) = o.get(&path, &o.handler).await?;
        assert!(page.contains("本申请已办结"));
        assert!(page.contains("办理结果：部分公开（第三十七条）"));
    }
    Ok(())
}

#[tokio::test]
async fn unmasking_and_internal_notes() -> Result<()> {
    for backend in Backend::all() {
        let (o, _ts) = office(backend).await?;
        let path = format!("/admin/requests/{}", o.a);
        let unmask = format!("{path}/personal-data");
        // The handler sees no unmasking form, and a forged POST is refused.
        let (_, page) = o.get(&path, &o.handler).await?;
        assert!(!page.contains("id=\"unmask-form\""));
        let (s, _, _, page) = o
            .post(&unmask, &o.handler, &[("reason", "联系申请人")])
            .await?;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert!(!page.contains("11010519491231002X"));
        // The clerk needs a reason.
        let (s, _, _, page) = o.post(&unmask, &o.clerk, &[("reason", "")]).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("请填写查看完整个人信息的理由"));
        assert!(!page.contains("11010519491231002X"));
        let (s, _, cache, page) = o
            .post(
                &unmask,
                &o.clerk,
                &[("reason", "电话联系申请人确认补正内容")],
            )
            .await?;
        assert_eq!(s, StatusCode::OK);
        assert!(cache.contains("no-store"));
        assert!(page.contains("11010519491231002X") && page.contains("13800138000"));
        // Once: the page read again is masked.
        let (_, again) = o.get(&path, &o.clerk).await?;
        assert!(!again.contains("11010519491231002X"));
        let log = o.store.audit_entries(0, 1000).await?;
        let viewed: Vec<_> = log
            .iter()
            .filter(|e| e.action == "request.personal_data_viewed")
            .map(|e| e.outcome.as_str())
            .collect();
        assert_eq!(
            viewed.len(),
            2,
            "the handler's refusal and the clerk's view"
        );
        assert_eq!(viewed[1], "ok; reason: 电话联系申请人确认补正内容");

        // Notes: an empty one is refused next to the field; a note is listed with its author.
        let notes = format!("{path}/notes");
        let (s, _, _, page) = o.post(&notes, &o.clerk, &[("body", "")]).await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("请填写备注内容"));
        let (s, _, _, _) = o
            .post(
                &notes,
                &o.handler,
                &[("body", "已与规划科核实，文件存档于2020年卷宗")],
            )
            .await?;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, page) = o.get(&path, &o.clerk).await?;
        assert!(page.contains("已与规划科核实，文件存档于2020年卷宗"));
        assert!(page.contains("handler.a（承办人）"));
        // Never shown to the applicant.
        let r = o
            .http
            .get(format!(
                "{}/api/v1/requests/{}?query_code={}",
                o.base, o.a, o.a_code
            ))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(!r.text().await?.contains("规划科核实"));
        let r = o
            .http
            .post(format!("{}/{}/track", o.base, common::AGENCY))
            .header("sec-fetch-site", "same-origin")
            .form(&[("number", o.a.as_str()), ("query_code", o.a_code.as_str())])
            .send()
            .await?;
        let tracked = r.text().await?;
        assert!(tracked.contains(&o.a), "the tracking page found it");
        assert!(!tracked.contains("规划科核实"));
        // A note from another site is refused (CSRF).
        let r = o
            .http
            .post(format!("{}{notes}", o.base))
            .header("cookie", format!("gongkai_session={}", o.clerk))
            .header("sec-fetch-site", "cross-site")
            .form(&[("body", "x")])
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(o.store.verify_audit_log().await?.is_ok());
    }
    Ok(())
}

#[tokio::test]
async fn a_fee_notice_and_its_payment_through_the_page() -> Result<()> {
    for backend in Backend::all() {
        let (o, _ts) = office(backend).await?;
        let path = format!("/admin/requests/{}", o.b);
        let step = format!("{path}/steps/fee_noticed");
        // By count, the 0th request of the month: refused next to the count, the choice kept.
        let (s, _, _, page) = o
            .post(
                &step,
                &o.clerk,
                &[("on", "2025-06-09"), ("basis", "by_count"), ("count", "0")],
            )
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("按件计收的件数从1开始"), "{page}");
        assert!(page.contains("value=\"by_count\" checked"));
        // 30 pages are free (109号): no fee to notify.
        let (s, _, _, page) = o
            .post(
                &step,
                &o.clerk,
                &[("on", "2025-06-09"), ("basis", "by_pages"), ("pages", "30")],
            )
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("该申请按标准不收费"), "{page}");
        let (s, _, _, _) = o
            .post(
                &step,
                &o.clerk,
                &[
                    ("on", "2025-06-09"),
                    ("basis", "by_pages"),
                    ("pages", "200"),
                ],
            )
            .await?;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, page) = o.get(&path, &o.clerk).await?;
        assert!(page.contains("按量计收，200页，金额"), "{page}");
        assert!(page.contains("政府信息公开信息处理费收费通知书"));
        assert!(page.contains("<dt>缴费期限</dt>"));
        assert!(page.contains("id=\"step-fee_paid\""));
        assert!(
            !page.contains("id=\"step-answered\""),
            "not while awaiting the fee"
        );
        let (s, _, _, _) = o
            .post(
                &format!("{path}/steps/fee_paid"),
                &o.clerk,
                &[("on", "2025-06-09")],
            )
            .await?;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, page) = o.get(&path, &o.clerk).await?;
        assert!(page.contains("id=\"step-answered\""));
        // An unknown step is not found.
        let (s, _, _, _) = o
            .post(
                &format!("{path}/steps/voided"),
                &o.clerk,
                &[("on", "2025-06-09")],
            )
            .await?;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    Ok(())
}
