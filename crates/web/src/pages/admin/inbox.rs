//! 收件箱 — `/admin/`, the back office's start page: the open requests the signed-in staff member
//! may see ([`App::inbox`](gongkai_app::App::inbox)), most urgent first, coloured by urgency and
//! always labelled in words, with the counts on top, filters (agency for a supervisor, status,
//! department, channel, urgency), a search (申请编号, the applicant's full name, the
//! description) and pages. A GET form: every filter is in the address, so a filtered view can
//! be bookmarked, and no JavaScript is needed. Each number links to the request page
//! (`/admin/requests/{number}`).

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use gongkai_app::inbox::{DEFAULT_INBOX_PAGE, MAX_INBOX_PAGE};
use gongkai_app::{AppError, Inbox, InboxQuery};
use gongkai_domain::agency::channel_label_zh;
use gongkai_domain::deadline::Urgency;
use gongkai_domain::request::{Channel, Status};
use gongkai_store::InboxCounts;
use serde::{Deserialize, Serialize};

use super::nav::{StaffBar, may_register, signed_in};
use crate::AppState;
use crate::pages::apply::{Choice, ChoiceField, Field, parse_form};
use crate::pages::{Chrome, Crumb, PageError, Viewer, render_private};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/", get(inbox))
}

/// The open statuses, the inbox's status filter.
const OPEN: [Status; 4] = [
    Status::Processing,
    Status::AwaitingCorrection,
    Status::Consulting,
    Status::AwaitingFee,
];

/// The department filter's value for the requests not assigned yet.
const UNASSIGNED: &str = "none";

/// The urgency filter's choices.
const URGENCIES: [Urgency; 3] = [Urgency::Overdue, Urgency::DueSoon, Urgency::OnTime];

/// The inbox's address parameters, as typed (unknown values are no filter).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
struct Params {
    agency: String,
    status: String,
    department: String,
    channel: String,
    urgency: String,
    q: String,
    page: String,
    per_page: String,
}

impl Params {
    fn query(&self) -> InboxQuery {
        let nonempty = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        InboxQuery {
            agency: nonempty(&self.agency),
            status: Status::from_code(self.status.trim()).filter(|s| OPEN.contains(s)),
            department_id: self.department.trim().parse().ok(),
            unassigned: self.department.trim() == UNASSIGNED,
            channel: Channel::from_code(self.channel.trim()).ok(),
            urgency: Urgency::from_code(self.urgency.trim()).filter(|u| URGENCIES.contains(u)),
            search: nonempty(&self.q),
            page: self.page.trim().parse().unwrap_or(1),
            per_page: self
                .per_page
                .trim()
                .parse()
                .unwrap_or(DEFAULT_INBOX_PAGE)
                .clamp(1, MAX_INBOX_PAGE),
        }
    }

    /// The address of this view on page `page` (the filters kept).
    fn href(&self, page: u32) -> String {
        let mut p = self.clone();
        p.page = page.to_string();
        let query = serde_urlencoded::to_string(&p).unwrap_or_default();
        format!("/admin/?{query}")
    }
}

/// A line of the table, ready to show.
struct Row {
    number: String,
    applicant: String,
    department: String,
    channel: &'static str,
    received_on: String,
    status: &'static str,
    due_on: String,
    /// `overdue`, `due-soon`, `on-time`, `paused`: the row's and the badge's class.
    class: &'static str,
    /// The urgency in words (never the colour alone).
    label: String,
}

#[derive(Template)]
#[template(path = "admin_inbox.html")]
struct InboxPage {
    chrome: Chrome,
    staff: StaffBar,
    /// Why there is no inbox (an administrator's account), instead of the list.
    no_inbox: Option<&'static str>,
    agency: String,
    read_only: bool,
    may_register: bool,
    counts: InboxCounts,
    soon_href: String,
    overdue_href: String,
    filters: Vec<ChoiceField>,
    search: Field,
    filtered: bool,
    rows: Vec<Row>,
    total: i64,
    page: u32,
    pages: u32,
    previous: Option<String>,
    next: Option<String>,
    today: String,
}

fn choice_field(
    name: &'static str,
    label: &'static str,
    current: &str,
    options: Vec<(String, String)>,
) -> ChoiceField {
    let mut all = vec![Choice {
        value: String::new(),
        label: "全部".into(),
        selected: current.is_empty(),
    }];
    all.extend(options.into_iter().map(|(value, label)| Choice {
        selected: value == current,
        value,
        label,
    }));
    ChoiceField {
        name,
        label,
        error: None,
        hint: None,
        options: all,
    }
}

fn row(line: gongkai_app::InboxLine) -> Row {
    let (class, label) = match (line.urgency, line.days_left) {
        (Urgency::Overdue, Some(d)) => ("overdue", format!("已超期 {} 个工作日", -d)),
        (Urgency::DueSoon, Some(0)) => ("due-soon", "即将到期：今天到期".to_string()),
        (Urgency::DueSoon, Some(d)) => ("due-soon", format!("即将到期：剩 {d} 个工作日")),
        (Urgency::OnTime, Some(d)) => ("on-time", format!("剩 {d} 个工作日")),
        (u, _) => ("paused", u.label_zh().to_string()),
    };
    Row {
        applicant: line.applicant,
        department: line.department.unwrap_or_else(|| "未分配".into()),
        channel: channel_label_zh(line.channel),
        received_on: line.received_on.to_string(),
        status: line.status.label_zh(),
        due_on: match line.due_on {
            Some(d) if line.due_provisional => format!("{d}（暂定）"),
            Some(d) => d.to_string(),
            None => "—".into(),
        },
        number: line.number,
        class,
        label,
    }
}

impl InboxPage {
    fn new(chrome: Chrome, staff: StaffBar, may_register: bool) -> Self {
        InboxPage {
            chrome,
            staff,
            no_inbox: None,
            agency: String::new(),
            read_only: true,
            may_register,
            counts: InboxCounts::default(),
            soon_href: String::new(),
            overdue_href: String::new(),
            filters: Vec::new(),
            search: search_field(String::new(), None),
            filtered: false,
            rows: Vec::new(),
            total: 0,
            page: 1,
            pages: 1,
            previous: None,
            next: None,
            today: String::new(),
        }
    }

    fn show(&mut self, inbox: Inbox, params: &Params) {
        let agency_choices = inbox
            .agencies
            .iter()
            .map(|a| (a.slug.clone(), a.name.clone()))
            .collect::<Vec<_>>();
        let mut filters = Vec::new();
        if inbox.agencies.len() > 1 {
            let mut agency = choice_field("agency", "机关", &inbox.agency.slug, agency_choices);
            agency.options.remove(0); // one agency at a time
            filters.push(agency);
        }
        filters.push(choice_field(
            "status",
            "办理状态",
            params.status.trim(),
            OPEN.iter()
                .map(|s| (s.code().into(), s.label_zh().into()))
                .collect(),
        ));
        if !inbox.department_fixed && !inbox.departments.is_empty() {
            filters.push(choice_field(
                "department",
                "承办部门",
                params.department.trim(),
                inbox
                    .departments
                    .iter()
                    .map(|d| (d.id.to_string(), d.name.clone()))
                    .chain(std::iter::once((UNASSIGNED.into(), "未分配".into())))
                    .collect(),
            ));
        }
        filters.push(choice_field(
            "channel",
            "申请渠道",
            params.channel.trim(),
            Channel::ALL
                .iter()
                .map(|c| (c.code().into(), channel_label_zh(*c).into()))
                .collect(),
        ));
        filters.push(choice_field(
            "urgency",
            "期限",
            params.urgency.trim(),
            URGENCIES
                .iter()
                .map(|u| (u.code().into(), u.label_zh().into()))
                .collect(),
        ));
        let base = Params {
            agency: params.agency.clone(),
            ..Default::default()
        };
        let [soon, overdue] = ["due_soon", "overdue"].map(|u| {
            Params {
                urgency: u.into(),
                ..base.clone()
            }
            .href(1)
        });
        self.soon_href = soon;
        self.overdue_href = overdue;
        self.filtered = [
            &params.status,
            &params.department,
            &params.channel,
            &params.urgency,
            &params.q,
        ]
        .iter()
        .any(|p| !p.trim().is_empty());
        self.agency = inbox.agency.name;
        self.read_only = inbox.read_only;
        self.counts = inbox.counts;
        self.filters = filters;
        self.total = inbox.total;
        self.page = inbox.page;
        self.pages = inbox.pages;
        self.previous = (inbox.page > 1).then(|| params.href(inbox.page - 1));
        self.next = (inbox.page < inbox.pages).then(|| params.href(inbox.page + 1));
        self.today = inbox.today.to_string();
        self.rows = inbox.lines.into_iter().map(row).collect();
    }
}

fn search_field(value: String, error: Option<String>) -> Field {
    Field {
        name: "q",
        label: "搜索",
        value,
        error,
        hint: Some("申请编号、申请人姓名或者名称（须完整）、申请内容中的文字"),
        required: false,
        input_type: "search",
        autocomplete: "off",
    }
}

/// `GET /admin/`: the inbox (the login page without a session).
async fn inbox(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let staff = match signed_in(&state, &headers).await? {
        Ok(staff) => staff,
        Err(redirect) => return Ok(redirect),
    };
    let params: Params = parse_form(raw.unwrap_or_default().as_bytes());
    let chrome = Chrome::site(&viewer).crumbs(vec![Crumb::here("收件箱")]);
    let mut page = InboxPage::new(chrome, staff.bar_at("/admin/"), may_register(&staff.actor));
    let query = params.query();
    page.search = search_field(params.q.chars().take(200).collect(), None);
    match state.app.inbox(&query, &staff.actor).await {
        Ok(inbox) => page.show(inbox, &params),
        Err(AppError::Forbidden(_)) => {
            page.no_inbox = Some("您的账号不办理依申请公开，没有收件箱。");
        }
        Err(AppError::Invalid(errors)) => {
            // A search too long: said next to the field, the rest of the inbox still shown.
            page.search.error = errors.first().map(|e| e.reason_zh());
            let without = InboxQuery {
                search: None,
                ..query
            };
            page.show(state.app.inbox(&without, &staff.actor).await?, &params);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(render_private(&page))
}
