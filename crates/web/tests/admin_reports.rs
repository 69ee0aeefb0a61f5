//! The annual report in the back office (issue 10), on the real server and on SQLite and
//! PostgreSQL: the editor shows the figures of the report JSON, a cell drills down to exactly
//! the requests behind it, sections and statistics are saved and survive a reload (errors next
//! to the field, values kept), review cases are recorded and decided, a version is approved by
//! the head only (anyone else gets the 403 page saying why), publishing refuses placeholder
//! text (S2) with the reason, and once published the portal shows the report; a supervisor
//! reads and changes nothing, another agency's report is not found, every form is CSRF-checked.

mod common;

use anyhow::{Context, Result};
use gongkai_app::{App, UserInput};
use gongkai_domain::clock::Clock;
use gongkai_domain::report::Report;
use gongkai_store::Actor;
use gongkai_store::testing::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";
const EDITOR: &str = "/admin/reports/2025?agency=fuxin-zrzyj";
const VERSIONS: &str = "/admin/reports/2025/versions?agency=fuxin-zrzyj";

/// A page's answer: status, `Location` and body.
struct Page {
    status: StatusCode,
    location: String,
    body: String,
}

struct Site {
    seeded: common::Seeded,
    http: reqwest::Client,
}

impl Site {
    async fn new(backend: Backend) -> Result<Site> {
        let seeded = common::seeded(backend).await?;
        let store = seeded.store.store.clone();
        gongkai_store::testing::agency(store.as_ref(), "other", "另一机关").await?;
        gongkai_store::testing::agency(store.as_ref(), "sheng", "省政府办公厅").await?;
        store
            .add_department(seeded.agency.id, "不动产登记科", &Actor::system())
            .await?;
        let app = App::new(store, common::clock());
        for (login, role, agency, supervises) in [
            ("clerk", "office", "fuxin-zrzyj", vec![]),
            ("head", "head", "fuxin-zrzyj", vec![]),
            (
                "jiandu",
                "supervisor",
                "sheng",
                vec!["fuxin-zrzyj".to_string()],
            ),
            ("other.clerk", "office", "other", vec![]),
            ("handler", "handler", "fuxin-zrzyj", vec![]),
        ] {
            app.create_user(
                &UserInput {
                    login: login.into(),
                    role: role.into(),
                    agency: Some(agency.into()),
                    department: (role == "handler").then(|| "不动产登记科".to_string()),
                    supervises,
                    password: Some(PASSWORD.into()),
                    ..Default::default()
                },
                &Actor::system(),
            )
            .await?;
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Site { seeded, http })
    }

    async fn answer(&self, r: reqwest::Response) -> Result<Page> {
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        Ok(Page {
            status,
            location,
            body: r.text().await?,
        })
    }

    async fn get(&self, path: &str, session: &str) -> Result<Page> {
        let r = self
            .http
            .get(format!("{}{path}", self.seeded.base))
            .header("cookie", format!("gongkai_session={session}"))
            .send()
            .await?;
        self.answer(r).await
    }

    /// Posts a form from this site's page (`Sec-Fetch-Site: same-origin`).
    async fn post(&self, path: &str, session: &str, form: &[(&str, &str)]) -> Result<Page> {
        self.post_from(path, session, form, Some("same-origin"))
            .await
    }

    async fn post_from(
        &self,
        path: &str,
        session: &str,
        form: &[(&str, &str)],
        site: Option<&str>,
    ) -> Result<Page> {
        let mut req = self
            .http
            .post(format!("{}{path}", self.seeded.base))
            .header("cookie", format!("gongkai_session={session}"))
            .form(form);
        if let Some(site) = site {
            req = req.header("sec-fetch-site", site);
        }
        self.answer(req.send().await?).await
    }

    /// The drill-down page of a 2025 cell (`requests.new%5B6%5D`, `review.reconsideration.total`).
    async fn cell(&self, session: &str, cell: &str) -> Result<Page> {
        self.get(
            &format!("/admin/reports/2025/cells/{cell}?agency=fuxin-zrzyj"),
            session,
        )
        .await
    }

    /// Posts the form recording a reconsideration about request `number`, filed on `filed_on`.
    async fn add_case(&self, session: &str, number: &str, filed_on: &str) -> Result<Page> {
        self.post(
            "/admin/reports/2025/review-cases?agency=fuxin-zrzyj",
            session,
            &[
                ("kind", "reconsideration"),
                ("request_number", number),
                ("filed_on", filed_on),
            ],
        )
        .await
    }

    /// Logs in with the password (and, for the head, enrols the TOTP second factor); the
    /// session id.
    async fn login(&self, login: &str) -> Result<String> {
        let r = self
            .http
            .post(format!("{}/admin/login", self.seeded.base))
            .header("sec-fetch-site", "same-origin")
            .form(&[("login", login), ("password", PASSWORD), ("code", "")])
            .send()
            .await?;
        let cookie = r
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("gongkai_session="))
            .and_then(|v| v.split(';').next())
            .context("a session cookie")?
            .to_string();
        let to = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        if to == "/admin/totp" {
            let page = self.get("/admin/totp", &cookie).await?;
            let secret = page
                .body
                .split("<code id=\"totp-secret\">")
                .nth(1)
                .and_then(|r| r.split('<').next())
                .context("the secret on the enrolment page")?
                .to_string();
            let now = u64::try_from(common::clock().now().timestamp())?;
            let code = gongkai_app::accounts::totp_code(&secret, login, now)?;
            let done = self
                .post("/admin/totp", &cookie, &[("code", code.as_str())])
                .await?;
            anyhow::ensure!(
                done.status == StatusCode::SEE_OTHER,
                "TOTP: {}",
                done.status
            );
        }
        Ok(cookie)
    }

    async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, Value)> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.seeded.base))
            .bearer_auth(&self.seeded.staff);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let r = req.send().await?;
        Ok((r.status(), r.json().await.unwrap_or(Value::Null)))
    }

    /// The report JSON of 2025 as the staff API gives it.
    async fn report_json(&self) -> Result<Value> {
        let (s, v) = self
            .api(
                reqwest::Method::GET,
                "/api/v1/staff/agencies/fuxin-zrzyj/reports/2025",
                None,
            )
            .await?;
        anyhow::ensure!(s == StatusCode::OK, "{s} {v}");
        Ok(v)
    }

    /// Three requests of today: the first answered 予以公开, the others open; their numbers.
    async fn three_requests(&self) -> Result<Vec<String>> {
        let mut numbers = Vec::new();
        for _ in 0..3 {
            numbers.push(self.seeded.register().await?);
        }
        let (s, v) = self
            .api(
                reqwest::Method::POST,
                &format!("/api/v1/staff/requests/{}/events", numbers[0]),
                Some(json!({"type": "answered", "on": common::today().to_string(), "outcome": "disclosed"})),
            )
            .await?;
        anyhow::ensure!(s == StatusCode::CREATED, "{s} {v}");
        Ok(numbers)
    }
}

/// The figures of a report page's tables, in order (the text of every `<td class="num">`, any
/// link around it taken off).
fn figures(html: &str) -> Vec<String> {
    html.split("<td class=\"num\">")
        .skip(1)
        .map(|rest| {
            let cell = rest.split("</td>").next().unwrap_or_default();
            let mut text = String::new();
            let mut in_tag = false;
            for c in cell.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text
        })
        .collect()
}

/// The request numbers a drill-down page links to, in order.
fn linked_requests(html: &str) -> Vec<String> {
    html.split("href=\"/admin/requests/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Where the (first) 批准 button of a page posts.
fn approve_action(html: &str) -> Option<String> {
    html.split("action=\"")
        .find(|a| a.contains("/approve?"))
        .and_then(|a| a.split('"').next())
        .map(|a| a.replace("&amp;", "&"))
}

/// The text of a textarea on a page.
fn textarea(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("<textarea id=\"{id}\""))?;
    let rest = &html[start..];
    let open = rest.find('>')? + 1;
    let close = rest.find("</textarea>")?;
    Some(rest[open..close].to_string())
}

#[tokio::test]
async fn the_editor_shows_the_figures_and_drills_down() -> Result<()> {
    for backend in Backend::all() {
        let site = Site::new(backend).await?;
        let numbers = site.three_requests().await?;
        let clerk = site.login("clerk").await?;

        // Without a session: the login page.
        let page = site.get(EDITOR, "nobody").await?;
        assert_eq!(
            (page.status, page.location.as_str()),
            (StatusCode::SEE_OTHER, "/admin/login")
        );

        // The list: each year with where it stands.
        let list = site.get("/admin/reports", &clerk).await?;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("阜新市自然资源局"), "{}", list.body);
        assert!(
            list.body
                .contains(&format!("href=\"{}\"", EDITOR.replace('&', "&amp;")))
        );
        assert!(list.body.contains("编制中（尚未生成版本）"));

        // The editor: the same figures as the report JSON, laid out as the format does.
        let json = site.report_json().await?;
        let report: Report = serde_json::from_value(json.clone())?;
        let expected = figures(&gongkai_render::html_fragment(&report)?);
        let page = site.get(EDITOR, &clerk).await?;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            figures(&page.body),
            expected,
            "the editor's figures are the JSON's"
        );
        assert!(expected.len() > 100, "every cell of the three tables");
        // The findings of report::check in Chinese, with the cells named.
        assert!(page.body.contains("审核意见"));
        let rules: Vec<&str> = json["findings"]
            .as_array()
            .context("findings")?
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .collect();
        assert_eq!(rules, ["B1", "S2"], "{}", json["findings"]);
        assert!(page.body.contains("提示（B1）"), "blank table-1 cells");
        assert!(page.body.contains("没有发生的事项应填 0"));
        assert!(page.body.contains("提示（S2）"));
        assert!(
            page.body
                .contains("五、存在的主要问题及改进情况</a>：该部分仍有待填写的占位文字")
        );

        // A non-zero cell is a link to its drill-down; a zero one is not.
        let disclosed = "/admin/reports/2025/cells/requests.disclosed%5B0%5D?agency=fuxin-zrzyj";
        assert!(page.body.contains(&format!(
            "<a href=\"{}\">1</a>",
            disclosed.replace('&', "&amp;")
        )));
        assert!(
            !page.body.contains("cells/requests.disclosed%5B1%5D"),
            "a zero is no link"
        );
        let cell = site.get(disclosed, &clerk).await?;
        assert_eq!(cell.status, StatusCode::OK);
        assert!(
            cell.body.contains("表二 （一）予以公开 · 自然人"),
            "{}",
            cell.body
        );
        assert_eq!(
            linked_requests(&cell.body),
            [numbers[0].clone()],
            "exactly the request behind it"
        );
        assert!(
            cell.body.contains("<td>自然人</td><td>2025-06-09</td>"),
            "{}",
            cell.body
        );
        assert!(
            cell.body.contains("予以公开"),
            "the outcome it is counted by"
        );
        let new = site.cell(&clerk, "requests.new%5B6%5D").await?;
        let mut all = numbers.clone();
        all.sort();
        assert_eq!(linked_requests(&new.body), all);
        let forward = site.cell(&clerk, "requests.carried_forward%5B6%5D").await?;
        let mut open: Vec<String> = numbers[1..].to_vec();
        open.sort();
        assert_eq!(
            linked_requests(&forward.body),
            open,
            "the open requests are carried forward"
        );
        for missing in [
            "requests.nonsense%5B0%5D",
            "requests.new%5B9%5D",
            "review.nothing.total",
        ] {
            let page = site
                .get(
                    &format!("/admin/reports/2025/cells/{missing}?agency=fuxin-zrzyj"),
                    &clerk,
                )
                .await?;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{missing}");
        }
        assert_eq!(
            site.get("/admin/reports/1999?agency=fuxin-zrzyj", &clerk)
                .await?
                .status,
            StatusCode::NOT_FOUND
        );

        // Review cases: recorded (errors next to the field, values kept), drilled into, decided.
        let bad = site.add_case(&clerk, &numbers[1], "2025-13-01").await?;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("id=\"filed_on-error\""),
            "the error is next to the field"
        );
        assert!(bad.body.contains("请按“年-月-日”填写日期"));
        assert!(
            bad.body.contains(&format!("value=\"{}\"", numbers[1])),
            "the number entered is kept"
        );
        let ok = site.add_case(&clerk, &numbers[1], "2025-06-05").await?;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert!(ok.location.contains("saved=case"));
        let page = site.get(&ok.location, &clerk).await?;
        assert!(page.body.contains("复议、诉讼案件已记录。"));
        let pending = site.cell(&clerk, "review.reconsideration.pending").await?;
        assert_eq!(linked_requests(&pending.body), [numbers[1].clone()]);
        let case = page
            .body
            .split("action=\"/admin/reports/2025/review-cases/")
            .nth(1)
            .and_then(|r| r.split('?').next())
            .context("the decision form of the pending case")?
            .to_string();
        let decide = format!("/admin/reports/2025/review-cases/{case}?agency=fuxin-zrzyj");
        let bad = site
            .post(
                &decide,
                &clerk,
                &[("decided_on", "2025-06-08"), ("result", "")],
            )
            .await?;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("请选择审结结果"));
        let ok = site
            .post(
                &decide,
                &clerk,
                &[("decided_on", "2025-06-08"), ("result", "corrected")],
            )
            .await?;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let json = site.report_json().await?;
        assert_eq!(json["review"]["reconsideration"]["corrected"], 1);
        let corrected = site
            .cell(&clerk, "review.reconsideration.corrected")
            .await?;
        assert_eq!(linked_requests(&corrected.body), [numbers[1].clone()]);

        // Table-1 statistics: saved with their source; a wrong figure is said next to it.
        let bad = site
            .post(
                "/admin/reports/2025/statistics?agency=fuxin-zrzyj",
                &clerk,
                &[
                    ("value.licensing.decisions", "九百"),
                    ("source.licensing.decisions", "行政审批系统"),
                ],
            )
            .await?;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("id=\"stat-licensing-decisions-error\""));
        assert!(
            bad.body.contains("value=\"九百\""),
            "the value entered is kept"
        );
        let ok = site
            .post(
                "/admin/reports/2025/statistics?agency=fuxin-zrzyj",
                &clerk,
                &[
                    ("value.licensing.decisions", "988"),
                    ("source.licensing.decisions", "行政审批系统"),
                    ("value.fees.amount_wan_yuan", "12.5"),
                    ("source.fees.amount_wan_yuan", "财政非税收入系统"),
                ],
            )
            .await?;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let json = site.report_json().await?;
        assert_eq!(json["proactive"]["licensing"]["decisions"], 988);
        assert_eq!(json["proactive"]["fees"]["amount_wan_yuan"], 12.5);
        let page = site.get(EDITOR, &clerk).await?;
        assert!(page.body.contains("value=\"988\""));
        assert!(page.body.contains("value=\"财政非税收入系统\""));
        assert_eq!(
            figures(&page.body),
            figures(&gongkai_render::html_fragment(&serde_json::from_value(
                json
            )?)?)
        );
    }
    Ok(())
}

#[tokio::test]
async fn sections_versions_approval_and_publication() -> Result<()> {
    for backend in Backend::all() {
        let site = Site::new(backend).await?;
        site.three_requests().await?;
        let clerk = site.login("clerk").await?;
        let head = site.login("head").await?;
        let sections = "/admin/reports/2025/sections?agency=fuxin-zrzyj";

        // Every form is refused from another site (and from a browser that says nothing).
        for (path, form) in [
            (sections, vec![("problems", "外站提交")]),
            (VERSIONS, vec![]),
            (
                "/admin/reports/2025/versions/1/approve?agency=fuxin-zrzyj",
                vec![],
            ),
            (
                "/admin/reports/2025/versions/1/publish?agency=fuxin-zrzyj",
                vec![],
            ),
            (
                "/admin/reports/2025/review-cases/1?agency=fuxin-zrzyj",
                vec![("decided_on", "2025-06-08"), ("result", "upheld")],
            ),
            (
                "/admin/reports/2025/statistics?agency=fuxin-zrzyj",
                vec![("value.penalty.decisions", "1")],
            ),
            (
                "/admin/reports/2025/review-cases?agency=fuxin-zrzyj",
                vec![("kind", "reconsideration")],
            ),
        ] {
            for from in [Some("cross-site"), None] {
                let page = site.post_from(path, &clerk, &form, from).await?;
                assert_eq!(page.status, StatusCode::FORBIDDEN, "{path} from {from:?}");
            }
        }
        let page = site.get(EDITOR, &clerk).await?;
        assert!(!page.body.contains("外站提交"));
        assert!(!page.body.contains("第1版"), "no version was made");

        // The first version keeps the starter text of section 五: approved, but not published.
        let starter = textarea(&page.body, "problems").context("the problems textarea")?;
        assert!(starter.contains("待填写"), "{starter}");
        let made = site.post(VERSIONS, &clerk, &[]).await?;
        assert_eq!(made.status, StatusCode::SEE_OTHER);
        let page = site.get(&made.location, &clerk).await?;
        assert!(page.body.contains("已生成新版本，请负责人批准。"));
        assert!(page.body.contains("草稿（待负责人批准）"));
        assert!(
            page.body.contains("只有负责人账号可以批准和发布"),
            "the clerk is told why there is no button"
        );
        assert!(
            !page.body.contains("/approve?"),
            "no approve button for the clerk"
        );
        let head_page = site.get(EDITOR, &head).await?;
        let approve = approve_action(&head_page.body).context("the head's approve button")?;
        let refused = site.post(&approve, &clerk, &[]).await?;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "the clerk does not approve"
        );
        assert!(
            refused.body.contains("只有负责人账号可以批准和发布"),
            "{}",
            refused.body
        );
        let ok = site.post(&approve, &head, &[]).await?;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let head_page = site.get(EDITOR, &head).await?;
        assert!(head_page.body.contains("已批准（待发布）"));
        let publish = approve.replace("/approve?", "/publish?");
        let refused = site.post(&publish, &clerk, &[]).await?;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let gate = site.post(&publish, &head, &[]).await?;
        assert_eq!(gate.status, StatusCode::CONFLICT);
        assert!(gate.body.contains("id=\"refusal\""));
        assert!(
            gate.body
                .contains("五、存在的主要问题及改进情况（S2）：该部分仍有待填写的占位文字"),
            "{}",
            gate.body
        );
        assert!(gate.body.contains("重新生成版本"));
        assert_eq!(
            site.get("/fuxin-zrzyj/reports/2025", &head).await?.status,
            StatusCode::NOT_FOUND,
            "nothing was published"
        );

        // Sections: an invalid text is said next to its field with every value kept.
        let overview = textarea(&page.body, "overview").context("overview")?;
        let bad = site
            .post(
                sections,
                &clerk,
                &[
                    ("overview", "本年度概述"),
                    ("problems", "问题\u{0007}与改进"),
                    ("other", "无。"),
                ],
            )
            .await?;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("id=\"problems-error\""), "{}", bad.body);
        assert_eq!(
            textarea(&bad.body, "overview").as_deref(),
            Some("本年度概述")
        );
        assert!(
            bad.body.contains("href=\"#problems\""),
            "the summary links to the field"
        );
        let written = "公开形式还不够丰富。下步将完善制度建设。";
        let ok = site
            .post(
                sections,
                &clerk,
                &[
                    ("overview", overview.as_str()),
                    ("problems", written),
                    ("other", "无。"),
                ],
            )
            .await?;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let page = site.get(&ok.location, &clerk).await?;
        assert!(page.body.contains("叙述部分已保存。"));
        assert_eq!(
            textarea(&page.body, "problems").as_deref(),
            Some(written),
            "saved, it survives a reload"
        );
        assert_eq!(site.report_json().await?["sections"]["problems"], written);
        assert!(!page.body.contains("提示（S2）"));

        // A new version, approved and published: the portal shows it, the editor links to it.
        let made = site.post(VERSIONS, &clerk, &[]).await?;
        assert_eq!(made.status, StatusCode::SEE_OTHER);
        let head_page = site.get(EDITOR, &head).await?;
        let approve = approve_action(&head_page.body).context("approve the second version")?;
        assert!(head_page.body.contains("批准第2版"));
        assert_eq!(
            site.post(&approve, &head, &[]).await?.status,
            StatusCode::SEE_OTHER
        );
        let published = site
            .post(&approve.replace("/approve?", "/publish?"), &head, &[])
            .await?;
        assert_eq!(
            published.status,
            StatusCode::SEE_OTHER,
            "{}",
            published.body
        );
        let page = site.get(&published.location, &head).await?;
        assert!(page.body.contains("年度报告已发布"));
        assert!(page.body.contains("href=\"/fuxin-zrzyj/reports/2025\""));
        assert!(
            page.body
                .contains("href=\"/api/v1/agencies/fuxin-zrzyj/reports/2025/pdf\"")
        );
        let public = site.get("/fuxin-zrzyj/reports/2025", "").await?;
        assert_eq!(public.status, StatusCode::OK);
        assert!(
            public.body.contains(written),
            "the portal shows the published text"
        );
        let pdf = site
            .http
            .get(format!(
                "{}/api/v1/agencies/fuxin-zrzyj/reports/2025/pdf",
                site.seeded.base
            ))
            .send()
            .await?;
        assert_eq!(pdf.status(), StatusCode::OK);
        assert!(pdf.bytes().await?.starts_with(b"%PDF"));
        let list = site.get("/admin/reports", &clerk).await?;
        assert!(list.body.contains("已发布（第2版，"), "{}", list.body);
    }
    Ok(())
}

#[tokio::test]
async fn a_supervisor_reads_and_others_find_nothing() -> Result<()> {
    for backend in Backend::all() {
        let site = Site::new(backend).await?;
        let numbers = site.three_requests().await?;
        let supervisor = site.login("jiandu").await?;

        // The supervised agency's report and drill-downs, read-only.
        let list = site.get("/admin/reports", &supervisor).await?;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("阜新市自然资源局"));
        assert!(
            !list.body.contains("另一机关"),
            "only the agencies it supervises"
        );
        let page = site.get(EDITOR, &supervisor).await?;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("本账号只能查阅"));
        assert!(
            !page
                .body
                .contains("<form method=\"post\" action=\"/admin/reports"),
            "no form for a reader"
        );
        let json = site.report_json().await?;
        let report: Report = serde_json::from_value(json)?;
        assert_eq!(
            figures(&page.body),
            figures(&gongkai_render::html_fragment(&report)?)
        );
        let cell = site.cell(&supervisor, "requests.disclosed%5B0%5D").await?;
        assert_eq!(cell.status, StatusCode::OK);
        assert_eq!(linked_requests(&cell.body), [numbers[0].clone()]);
        for (path, form) in [
            (
                "/admin/reports/2025/sections?agency=fuxin-zrzyj",
                vec![("problems", "监督改写")],
            ),
            (VERSIONS, vec![]),
            (
                "/admin/reports/2025/statistics?agency=fuxin-zrzyj",
                vec![
                    ("value.penalty.decisions", "1"),
                    ("source.penalty.decisions", "x"),
                ],
            ),
        ] {
            let page = site.post(path, &supervisor, &form).await?;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
            assert!(page.body.contains("本账号只能查阅"), "{}", page.body);
        }
        assert!(
            !site
                .get(EDITOR, &supervisor)
                .await?
                .body
                .contains("监督改写")
        );

        // A handler (承办人) reads the figures too, but not which requests of other departments
        // are behind a cell, and changes nothing.
        let handler = site.login("handler").await?;
        let page = site.get(EDITOR, &handler).await?;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("本账号只能查阅"));
        assert!(
            !page.body.contains("/cells/requests."),
            "no drill-down links"
        );
        assert_eq!(
            site.cell(&handler, "requests.new%5B6%5D").await?.status,
            StatusCode::NOT_FOUND
        );
        let refused = site.post(VERSIONS, &handler, &[]).await?;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        // Another agency's report is not found, to the supervisor and the clerk alike; so is
        // this agency's to the other agency's clerk.
        let clerk = site.login("clerk").await?;
        let other = site.login("other.clerk").await?;
        for (who, path) in [
            (&supervisor, "/admin/reports/2025?agency=other"),
            (&clerk, "/admin/reports/2025?agency=other"),
            (
                &clerk,
                "/admin/reports/2025/cells/requests.new%5B6%5D?agency=other",
            ),
            (&other, EDITOR),
            (
                &other,
                "/admin/reports/2025/cells/requests.new%5B6%5D?agency=fuxin-zrzyj",
            ),
            (&clerk, "/admin/reports/2025?agency=nosuch"),
        ] {
            assert_eq!(
                site.get(path, who).await?.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let page = site
            .post(
                "/admin/reports/2025/sections?agency=fuxin-zrzyj",
                &other,
                &[("problems", "别家改写")],
            )
            .await?;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(!site.get(EDITOR, &clerk).await?.body.contains("别家改写"));
    }
    Ok(())
}
