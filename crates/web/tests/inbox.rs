//! The back office's inbox (`/admin/`) and the registration of an offline request
//! (`/admin/register`), on the real server over SQLite and PostgreSQL, on a fixed Friday: counts
//! and colours by working days on the calendar, every filter, the search by number, exact name
//! and description, pages, who sees what (a handler its department only, a supervisor
//! read-only, another agency never), the registration's Chinese errors next to their fields with
//! the values kept, its 回执, CSRF, and the login redirect.

mod common;

use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use gongkai_app::App;
use gongkai_app::filing::RegistrationInput;
use gongkai_domain::applicant::ApplicantInput;
use gongkai_domain::calendar::Calendar;
use gongkai_domain::deadline::{ClockInput, answer_deadline};
use gongkai_domain::request::Event;
use gongkai_store::testing::{Backend, TestStore, fresh_with_clock};
use gongkai_store::{Actor, Store};
use gongkai_web::{AppState, FixedClock, ServerLimits};
use reqwest::StatusCode;

use common::{AGENCY, AGENCY_NAME, login, user};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

/// The inbox tests' today: Friday 2025-06-13.
fn friday() -> NaiveDate {
    d("2025-06-13")
}

/// The day a request handed in must arrive to be due on `due` (20 working days, Art. 33).
fn arriving_for(due: NaiveDate) -> Result<NaiveDate> {
    let cal = Calendar::embedded();
    let mut day = due;
    for _ in 0..60 {
        day = day.pred_opt().context("a day")?;
        if answer_deadline(&cal, &ClockInput::new(day))?.due_on == Some(due) {
            return Ok(day);
        }
    }
    anyhow::bail!("no arrival day gives {due}")
}

struct Office {
    base: String,
    http: reqwest::Client,
    app: App,
    /// The clerk's (公开办) session.
    clerk: String,
    department_a: i64,
    department_b: i64,
    /// 张三's (department A, due Tuesday: amber), 李四's (department B, by post, overdue: red),
    /// 王五's (department A, by e-mail, today: on time) and the other agency's request.
    soon: String,
    late: String,
    fresh: String,
    foreign: String,
    _store: TestStore,
}

async fn filed(
    app: &App,
    agency: &str,
    name: &str,
    description: &str,
    channel: &str,
    arrived: NaiveDate,
    department_id: Option<i64>,
) -> Result<String> {
    let input = RegistrationInput {
        filing: gongkai_app::FilingInput {
            applicant: ApplicantInput {
                kind: "natural_person".into(),
                name: name.into(),
                id_number: Some("11010519491231002X".into()),
                phone: "13800138000".into(),
                email: Some("a@example.cn".into()),
                ..Default::default()
            },
            description: description.into(),
            channel: channel.into(),
            delivery: "email".into(),
            medium: Some("electronic".into()),
            ..Default::default()
        },
        arrived_on: Some(arrived.to_string()),
        confirmed_on: (channel == "post_signed").then(|| arrived.to_string()),
        department_id,
    };
    Ok(app.register(agency, &input, &Actor::system()).await?.number)
}

async fn office(backend: Backend) -> Result<Office> {
    let clock = Arc::new(FixedClock(friday()));
    let ts = fresh_with_clock(backend, clock.clone()).await?;
    let store: Arc<dyn Store> = ts.store.clone();
    let (_, a, b) = common::agency_with_two_departments(store.as_ref()).await?;
    gongkai_store::testing::agency(store.as_ref(), "fuxin", "阜新市人民政府办公室").await?;
    let app = App::new(store.clone(), clock.clone());
    user(&app, "clerk", "office", Some(AGENCY), None, &[]).await?;
    user(
        &app,
        "handler.a",
        "handler",
        Some(AGENCY),
        Some("不动产登记科"),
        &[],
    )
    .await?;
    user(
        &app,
        "watcher",
        "supervisor",
        Some("fuxin"),
        None,
        &[AGENCY],
    )
    .await?;
    user(
        &app,
        "watcher.two",
        "supervisor",
        Some("fuxin"),
        None,
        &[AGENCY, "other"],
    )
    .await?;
    let soon = filed(
        &app,
        AGENCY,
        "张三",
        "2024年某路段拓宽工程的征地批复",
        "in_person",
        arriving_for(d("2025-06-17"))?,
        Some(a.id),
    )
    .await?;
    let late = filed(
        &app,
        AGENCY,
        "李四",
        "某村集体土地征收补偿标准",
        "post_signed",
        d("2025-04-01"),
        Some(b.id),
    )
    .await?;
    let fresh = filed(
        &app,
        AGENCY,
        "王五",
        "本年度国有建设用地供应计划",
        "email",
        friday(),
        Some(a.id),
    )
    .await?;
    let done = filed(
        &app,
        AGENCY,
        "钱八",
        "已撤回的申请",
        "in_person",
        friday(),
        None,
    )
    .await?;
    app.append_event(&done, Event::Withdrawn { on: friday() }, &Actor::system())
        .await?;
    let foreign = filed(
        &app,
        "other",
        "赵六",
        "另一机关的申请",
        "in_person",
        friday(),
        None,
    )
    .await?;
    let state = AppState::with_clock(store, clock);
    let base = common::serve_state(state, ServerLimits::without_rate_limits()).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let clerk = login(&http, &base, "clerk").await?;
    Ok(Office {
        base,
        http,
        app,
        clerk,
        department_a: a.id,
        department_b: b.id,
        soon,
        late,
        fresh,
        foreign,
        _store: ts,
    })
}

/// An inbox page's facts: its status, body, the numbers listed in order and the counts.
struct Seen {
    status: StatusCode,
    body: String,
    numbers: Vec<String>,
}

impl Seen {
    fn count(&self, id: &str) -> Option<i64> {
        let start = self.body.find(&format!("id=\"{id}\">"))? + id.len() + 6;
        let digits: String = self.body[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    }

    /// The `<tr>` of a listed request.
    fn row(&self, number: &str) -> &str {
        let at = self
            .body
            .find(&format!("data-number=\"{number}\""))
            .unwrap_or(0);
        let start = self.body[..at].rfind("<tr").unwrap_or(at);
        let end = self.body[at..]
            .find("</tr>")
            .map_or(self.body.len(), |e| at + e);
        &self.body[start..end]
    }
}

impl Office {
    async fn get(&self, path: &str, session: &str) -> Result<Seen> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("gongkai_session={session}"))
            .send()
            .await?;
        let status = r.status();
        let body = r.text().await?;
        let numbers = body
            .split("data-number=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(str::to_string)
            .collect();
        Ok(Seen {
            status,
            body,
            numbers,
        })
    }

    async fn listed(&self, query: &str, session: &str) -> Result<Vec<String>> {
        let seen = self.get(&format!("/admin/?{query}"), session).await?;
        anyhow::ensure!(seen.status == StatusCode::OK, "{query}: {}", seen.status);
        Ok(seen.numbers)
    }

    async fn post_register(
        &self,
        form: &[(&str, &str)],
        site: &str,
    ) -> Result<(StatusCode, String)> {
        let r = self
            .http
            .post(format!("{}/admin/register", self.base))
            .header("cookie", format!("gongkai_session={}", self.clerk))
            .header("sec-fetch-site", site)
            .form(form)
            .send()
            .await?;
        Ok((r.status(), r.text().await?))
    }
}

#[tokio::test]
async fn the_inbox_counts_colours_filters_searches_and_pages() -> Result<()> {
    for backend in Backend::all() {
        let o = office(backend).await?;
        let seen = o.get("/admin/", &o.clerk).await?;
        assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
        // Who is signed in, the navigation, the logout button.
        assert!(seen.body.contains("clerk") && seen.body.contains(AGENCY_NAME));
        assert!(seen.body.contains("href=\"/admin/register\""));
        assert!(seen.body.contains("id=\"logout-form\""));
        // Open requests only, most urgent first; the other agency's and the withdrawn never.
        assert_eq!(
            seen.numbers,
            [o.late.as_str(), o.soon.as_str(), o.fresh.as_str()]
        );
        assert!(!seen.body.contains(&o.foreign));
        assert_eq!(seen.count("count-open"), Some(3));
        assert_eq!(seen.count("count-due-soon"), Some(1));
        assert_eq!(seen.count("count-overdue"), Some(1));
        // Due Tuesday seen on Friday: two working days across the weekend, amber and said so.
        let soon = seen.row(&o.soon);
        assert!(soon.contains("class=\"due-soon\""), "{soon}");
        assert!(soon.contains("即将到期：剩 2 个工作日"), "{soon}");
        assert!(soon.contains("2025-06-17") && soon.contains("不动产登记科"));
        let late = seen.row(&o.late);
        assert!(
            late.contains("class=\"overdue\"") && late.contains("已超期"),
            "{late}"
        );
        assert!(late.contains("邮政寄送") && late.contains("耕地保护监督科"));
        assert!(seen.row(&o.fresh).contains("剩 20 个工作日"));
        // The number links to the request page; the names are masked.
        assert!(soon.contains(&format!("href=\"/admin/requests/{}\"", o.soon)));
        assert!(soon.contains("张*") && !seen.body.contains("张三"));

        // Each filter.
        assert_eq!(o.listed("status=processing", &o.clerk).await?.len(), 3);
        assert!(o.listed("status=awaiting_fee", &o.clerk).await?.is_empty());
        let b = format!("department={}", o.department_b);
        assert_eq!(o.listed(&b, &o.clerk).await?, [o.late.as_str()]);
        let a = format!("department={}", o.department_a);
        assert_eq!(
            o.listed(&a, &o.clerk).await?,
            [o.soon.as_str(), o.fresh.as_str()]
        );
        // Every open request here is assigned (the withdrawn one, unassigned, is not open).
        assert!(o.listed("department=none", &o.clerk).await?.is_empty());
        assert_eq!(
            o.listed("channel=email", &o.clerk).await?,
            [o.fresh.as_str()]
        );
        assert_eq!(
            o.listed("channel=post_signed", &o.clerk).await?,
            [o.late.as_str()]
        );
        assert_eq!(
            o.listed("urgency=overdue", &o.clerk).await?,
            [o.late.as_str()]
        );
        assert_eq!(
            o.listed("urgency=due_soon", &o.clerk).await?,
            [o.soon.as_str()]
        );
        assert_eq!(
            o.listed("urgency=on_time", &o.clerk).await?,
            [o.fresh.as_str()]
        );
        let both = format!("urgency=due_soon&department={}", o.department_b);
        assert!(o.listed(&both, &o.clerk).await?.is_empty());
        // Filtering leaves the counts on top alone.
        let seen = o.get("/admin/?channel=email", &o.clerk).await?;
        assert_eq!(seen.count("count-open"), Some(3));

        // Search: a number, its beginning, an exact full name (not a part), the description.
        let q = |text: &str| format!("q={}", urlencode(text));
        assert_eq!(o.listed(&q(&o.soon), &o.clerk).await?, [o.soon.as_str()]);
        assert_eq!(
            o.listed(&q(&o.soon.to_uppercase()), &o.clerk).await?,
            [o.soon.as_str()]
        );
        assert_eq!(o.listed(&q("fuxin-zrzyj-2025"), &o.clerk).await?.len(), 3);
        assert_eq!(o.listed(&q("李四"), &o.clerk).await?, [o.late.as_str()]);
        assert_eq!(o.listed(&q(" 李 四 "), &o.clerk).await?, [o.late.as_str()]);
        assert!(o.listed(&q("李"), &o.clerk).await?.is_empty());
        assert_eq!(
            o.listed(&q("供应计划"), &o.clerk).await?,
            [o.fresh.as_str()]
        );
        assert!(o.listed(&q("100%"), &o.clerk).await?.is_empty());
        assert!(o.listed(&q("赵六"), &o.clerk).await?.is_empty());
        let long = o
            .get(&format!("/admin/?{}", q(&"长".repeat(101))), &o.clerk)
            .await?;
        assert_eq!(long.status, StatusCode::OK);
        assert!(long.body.contains("id=\"q-error\"") && long.body.contains("不能超过100个字符"));

        // Pages of one: three pages in the same order, the filters kept in the links.
        let first = o.get("/admin/?per_page=1", &o.clerk).await?;
        assert_eq!(first.numbers, [o.late.as_str()]);
        assert!(first.body.contains("第 1 / 3 页"));
        assert!(first.body.contains("rel=\"next\"") && !first.body.contains("rel=\"prev\""));
        assert_eq!(
            o.listed("per_page=1&page=2", &o.clerk).await?,
            [o.soon.as_str()]
        );
        assert_eq!(
            o.listed("per_page=1&page=99", &o.clerk).await?,
            [o.fresh.as_str()]
        );
        let paged = o.get(&format!("/admin/?per_page=1&{a}"), &o.clerk).await?;
        assert!(
            paged
                .body
                .contains(&format!("department={}", o.department_a))
        );
        assert!(paged.body.contains("第 1 / 2 页"));
        // The page size is bounded.
        assert_eq!(o.listed("per_page=100000", &o.clerk).await?.len(), 3);

        // The same filters on the staff API (the session works there too).
        let api = o
            .http
            .get(format!(
                "{}/api/v1/staff/agencies/{AGENCY}/requests?urgency=overdue",
                o.base
            ))
            .header("cookie", format!("gongkai_session={}", o.clerk))
            .send()
            .await?;
        assert_eq!(api.status(), StatusCode::OK);
        let list: serde_json::Value = api.json().await?;
        let numbers: Vec<&str> = list
            .as_array()
            .context("a list")?
            .iter()
            .filter_map(|r| r["number"].as_str())
            .collect();
        assert_eq!(numbers, [o.late.as_str()]);
        assert_eq!(list[0]["channel"], "post_signed");
        let api = o
            .http
            .get(format!(
                "{}/api/v1/staff/agencies/{AGENCY}/requests?q=%E7%8E%8B%E4%BA%94&urgency=soon",
                o.base
            ))
            .header("cookie", format!("gongkai_session={}", o.clerk))
            .send()
            .await?;
        assert_eq!(api.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    Ok(())
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .to_string()
}

#[tokio::test]
async fn who_sees_which_inbox() -> Result<()> {
    for backend in Backend::all() {
        let o = office(backend).await?;
        // A handler: its department's only, whatever department it asks for.
        let handler = login(&o.http, &o.base, "handler.a").await?;
        let seen = o.get("/admin/", &handler).await?;
        assert_eq!(seen.numbers, [o.soon.as_str(), o.fresh.as_str()]);
        assert_eq!(seen.count("count-open"), Some(2));
        assert_eq!(seen.count("count-overdue"), Some(0));
        assert!(!seen.body.contains("href=\"/admin/register\""));
        let b = format!("department={}", o.department_b);
        assert_eq!(
            o.listed(&b, &handler).await?,
            [o.soon.as_str(), o.fresh.as_str()]
        );
        assert!(
            o.listed(&format!("q={}", o.late), &handler)
                .await?
                .is_empty()
        );
        // Registering is the office's: a handler is refused.
        let r = o
            .http
            .get(format!("{}/admin/register", o.base))
            .header("cookie", format!("gongkai_session={handler}"))
            .send()
            .await?;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);

        // A supervisor reads the supervised agency's inbox, read-only; never another agency's.
        let watcher = login(&o.http, &o.base, "watcher").await?;
        let seen = o.get("/admin/", &watcher).await?;
        assert_eq!(seen.status, StatusCode::OK);
        assert_eq!(seen.numbers.len(), 3);
        assert!(seen.body.contains("监督账号只能查看"));
        assert!(!seen.body.contains("href=\"/admin/register\""));
        assert_eq!(
            o.get("/admin/?agency=other", &watcher).await?.status,
            StatusCode::NOT_FOUND
        );
        // One supervising two agencies chooses between them, one at a time.
        let two = login(&o.http, &o.base, "watcher.two").await?;
        let seen = o.get("/admin/", &two).await?;
        assert!(seen.body.contains("name=\"agency\"") && seen.body.contains("另一机关"));
        assert_eq!(seen.numbers.len(), 3);
        let other = o.get("/admin/?agency=other", &two).await?;
        assert_eq!(other.numbers, [o.foreign.as_str()]);
        assert_eq!(other.count("count-open"), Some(1));
        assert_eq!(
            o.get("/admin/?agency=other", &o.clerk).await?.status,
            StatusCode::NOT_FOUND
        );

        // No session: the login page.
        let r = o.http.get(format!("{}/admin/", o.base)).send().await?;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/admin/login");
        let r = o
            .http
            .get(format!("{}/admin/register", o.base))
            .header("cookie", "gongkai_session=forged")
            .send()
            .await?;
        assert_eq!(r.headers()["location"], "/admin/login");
    }
    Ok(())
}

/// The text of `body` just after `marker` (what is said next to a field).
fn after(body: &str, marker: &str) -> Result<String> {
    let at = body
        .find(marker)
        .with_context(|| format!("{marker} in {body}"))?;
    Ok(body[at..].chars().take(200).collect())
}

/// The registration form's fields for 孙七's request by post, handed in `arrived`.
fn registration<'a>(
    arrived: &'a str,
    confirmed: &'a str,
    phone: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("channel", "post_signed"),
        ("arrived_on", arrived),
        ("confirmed_on", confirmed),
        ("department_id", ""),
        ("applicant_kind", "natural_person"),
        ("applicant_name", "孙七"),
        ("applicant_id_type", "resident_id"),
        ("applicant_id_number", "11010519491231002X"),
        ("applicant_phone", phone),
        ("applicant_address", "辽宁省阜新市海州区某路1号"),
        ("description", "某小区规划许可证及附图"),
        ("medium", "paper"),
        ("delivery", "post"),
    ]
}

#[tokio::test]
async fn registering_an_offline_request() -> Result<()> {
    for backend in Backend::all() {
        let o = office(backend).await?;
        let form = o.get("/admin/register", &o.clerk).await?;
        assert_eq!(form.status, StatusCode::OK);
        for field in [
            "name=\"channel\"",
            "name=\"arrived_on\"",
            "name=\"confirmed_on\"",
            "name=\"applicant_name\"",
            "name=\"medium\"",
            "不动产登记科",
        ] {
            assert!(form.body.contains(field), "{field}");
        }
        assert!(form.body.contains("aria-current=\"page\">登记申请"));

        // By post without the day of signature, no phone, a day to come: every error in
        // Chinese next to its field, every value kept.
        let (s, body) = o
            .post_register(&registration("2025-06-20", "", ""), "same-origin")
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        for (id, text) in [
            ("arrived_on-error", "日期不能晚于今天"),
            ("applicant_phone-error", ""),
        ] {
            let near = after(&body, &format!("id=\"{id}\""))?;
            assert!(near.contains(text), "{id}: {near}");
        }
        assert!(body.contains("value=\"孙七\"") && body.contains("某小区规划许可证及附图"));
        assert!(body.contains("value=\"2025-06-20\""));
        assert!(body.contains("<option value=\"post_signed\" selected>"));
        assert!(body.contains("申请未能登记"));
        let (s, body) = o
            .post_register(
                &registration("2025-06-11", "", "13800138000"),
                "same-origin",
            )
            .await?;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(after(&body, "id=\"confirmed_on-error\"")?.contains("第三十一条"));

        // From another site: refused.
        let (s, _) = o
            .post_register(
                &registration("2025-06-11", "2025-06-12", "13800138000"),
                "cross-site",
            )
            .await?;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // Signed for on Thursday: received that day (Art. 31), the number and code shown once.
        let (s, body) = o
            .post_register(
                &registration("2025-06-11", "2025-06-12", "13800138000"),
                "same-origin",
            )
            .await?;
        assert_eq!(s, StatusCode::OK, "{body}");
        let grab = |id: &str| -> Result<String> {
            let start = body.find(&format!("id=\"{id}\">")).context("a field")? + id.len() + 6;
            Ok(body[start..]
                .split('<')
                .next()
                .unwrap_or_default()
                .to_string())
        };
        let number = grab("request-number")?;
        let code = grab("query-code")?;
        assert!(number.starts_with("fuxin-zrzyj-2025-"));
        assert!(grab("received-on")?.starts_with("2025-06-12"));
        assert!(body.contains("孙*") && !body.contains("孙七"));
        // The 回执 as a PDF, and a page that prints as one.
        let pdf = o
            .http
            .post(format!("{}/{AGENCY}/receipt", o.base))
            .header("sec-fetch-site", "same-origin")
            .form(&[("number", number.as_str()), ("query_code", code.as_str())])
            .send()
            .await?;
        assert_eq!(pdf.status(), StatusCode::OK);
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(pdf.bytes().await?.starts_with(b"%PDF"));
        assert!(body.contains("class=\"notice print-receipt\""));
        let css = o.get("/", &o.clerk).await?.body;
        let href = css
            .split("rel=\"stylesheet\" href=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .context("the stylesheet")?
            .to_string();
        let sheet = o
            .http
            .get(format!("{}{href}", o.base))
            .send()
            .await?
            .text()
            .await?;
        assert!(sheet.contains("@media print"));

        // It is in the inbox, found by the applicant's name.
        assert_eq!(
            o.listed(&format!("q={}", urlencode("孙七")), &o.clerk)
                .await?,
            [number.as_str()]
        );
        // Registered without a department: among the unassigned.
        assert_eq!(
            o.listed("department=none", &o.clerk).await?,
            [number.as_str()]
        );
        let seen = o.get("/admin/", &o.clerk).await?;
        assert_eq!(seen.count("count-open"), Some(4));
        assert!(seen.row(&number).contains("邮政寄送"));
        // The registration was audited as the clerk's.
        let view = o.app.request_view(&number, &Actor::system()).await?;
        assert_eq!(view.record.received_on, d("2025-06-12"));
        assert!(view.record.events[0].actor.contains("clerk"));
    }
    Ok(())
}
