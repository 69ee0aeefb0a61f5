//! 收件箱 — the back office's inbox: the open requests an actor may see, most urgent first, with
//! the working days left on the calendar ([`gongkai_domain::deadline::urgency`]), the counts on
//! top (open, due soon, overdue), filters, a search and bounded pages.
//!
//! Who sees what is [`Actor`]'s rule, applied here: the office and the head see their agency's
//! requests, a handler its department's only, a supervisor (read-only) each agency it
//! supervises, one at a time; the administrators and the public have no inbox.

use chrono::NaiveDate;
use gongkai_domain::DomainError;
use gongkai_domain::applicant::masked_name;
use gongkai_domain::deadline::{Urgency, due_soon_before, urgency};
use gongkai_domain::request::{Channel, Status};
use gongkai_store::{
    Actor, Agency, Department, InboxCounts, ListOrder, RequestFilter, RequestSummary, Role,
};

use crate::{App, AppError, Result};

/// The largest page of the inbox.
pub const MAX_INBOX_PAGE: u32 = 100;
/// The page size when none is asked for.
pub const DEFAULT_INBOX_PAGE: u32 = 20;
/// The longest search text (characters).
pub const MAX_SEARCH_CHARS: usize = 100;

/// What an inbox shows: every part optional (absent: no filter), the page 1-based.
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    /// A supervisor's choice among its agencies (others' inbox is their agency's; another
    /// agency is not found).
    pub agency: Option<String>,
    pub status: Option<Status>,
    pub department_id: Option<i64>,
    /// Only those not assigned to a department yet (未分配; for staff of the whole agency).
    pub unassigned: bool,
    pub channel: Option<Channel>,
    /// [`Urgency::Overdue`], [`Urgency::DueSoon`] or [`Urgency::OnTime`] (not
    /// [`Urgency::Paused`]: a paused request has no due day to filter by).
    pub urgency: Option<Urgency>,
    /// A 申请编号 (or its beginning), the applicant's exact full name, or words of the
    /// description.
    pub search: Option<String>,
    /// 1-based; 0 is the first page.
    pub page: u32,
    /// 1 to [`MAX_INBOX_PAGE`]; 0 is [`DEFAULT_INBOX_PAGE`].
    pub per_page: u32,
}

/// One open request in the inbox.
#[derive(Debug, Clone)]
pub struct InboxLine {
    /// 申请编号.
    pub number: String,
    /// The applicant's name, masked ([`masked_name`]).
    pub applicant: String,
    /// The 承办部门's name, if it is assigned.
    pub department: Option<String>,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub status: Status,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    pub urgency: Urgency,
    /// Working days left (negative: overdue by so many); `None` without a due day.
    pub days_left: Option<i64>,
}

/// An inbox page.
#[derive(Debug, Clone)]
pub struct Inbox {
    /// The agency shown.
    pub agency: Agency,
    /// The agencies the actor may choose among (a supervisor's; for staff, its own).
    pub agencies: Vec<Agency>,
    /// The agency's departments (the filter's choices; a handler's own only).
    pub departments: Vec<Department>,
    /// The list is one department's whatever is asked (a handler's).
    pub department_fixed: bool,
    /// Read-only (a supervisor): no registering, no steps.
    pub read_only: bool,
    /// The counts of the actor's whole inbox (filters aside).
    pub counts: InboxCounts,
    pub lines: Vec<InboxLine>,
    /// Requests matching the filters (every page).
    pub total: i64,
    /// The page shown (1-based) and the number of pages (at least 1).
    pub page: u32,
    pub pages: u32,
    pub per_page: u32,
    pub today: NaiveDate,
}

/// The department a listing is confined to: `None` for staff of the whole agency (office,
/// head, a supervisor of it), the handler's own department for a handler — and for a handler
/// without one, a department that matches nothing (never the whole agency).
pub(crate) fn department_scope(actor: &Actor, agency_id: i64) -> Option<i64> {
    if actor.role == Role::Handler && !actor.may_act_for(agency_id) {
        Some(actor.department_id.unwrap_or(-1))
    } else {
        None
    }
}

impl App {
    /// The due-day window of an urgency on the calendar in force today: `(due_from, due_by)`
    /// (both inclusive) for a request listing; `None` for [`Urgency::Paused`].
    pub async fn urgency_window(
        &self,
        wanted: Urgency,
    ) -> Result<Option<(Option<NaiveDate>, Option<NaiveDate>)>> {
        let today = self.clock.today();
        let cal = self.calendar().await?;
        let soon_before = due_soon_before(&cal, today);
        Ok(match wanted {
            Urgency::Overdue => Some((None, today.pred_opt())),
            Urgency::DueSoon => Some((Some(today), soon_before.pred_opt())),
            Urgency::OnTime => Some((Some(soon_before), None)),
            Urgency::Paused => None,
        })
    }

    /// The agencies whose inbox the actor reads: its own (office, head, handler), those it
    /// supervises; nothing for the administrators and the public.
    async fn inbox_agencies(&self, actor: &Actor) -> Result<Vec<Agency>> {
        let all = self.agencies().await?;
        Ok(match actor.role {
            Role::Office | Role::Head | Role::Handler => all
                .into_iter()
                .filter(|a| Some(a.id) == actor.agency_id)
                .collect(),
            Role::Supervisor => all
                .into_iter()
                .filter(|a| actor.supervised.contains(&a.id))
                .collect(),
            _ => Vec::new(),
        })
    }

    /// The inbox of `actor` as `query` asks (see the module's documentation for who sees what).
    pub async fn inbox(&self, query: &InboxQuery, actor: &Actor) -> Result<Inbox> {
        let agencies = self.inbox_agencies(actor).await?;
        if agencies.is_empty() {
            return Err(AppError::Forbidden(
                "the inbox is for the staff and supervisors of an agency".into(),
            ));
        }
        let agency = match query.agency.as_deref().filter(|s| !s.is_empty()) {
            Some(slug) => agencies
                .iter()
                .find(|a| a.slug == slug)
                .cloned()
                .ok_or_else(|| AppError::NotFound(format!("agency {slug}")))?,
            None => agencies[0].clone(),
        };
        let search = match query.search.as_deref().map(str::trim) {
            Some(t) if t.chars().count() > MAX_SEARCH_CHARS => {
                return Err(DomainError::invalid(
                    "q",
                    format!("must be at most {MAX_SEARCH_CHARS} characters"),
                )
                .zh(format!("搜索内容不能超过{MAX_SEARCH_CHARS}个字符"))
                .into());
            }
            Some(t) if !t.is_empty() => Some(t.to_string()),
            _ => None,
        };
        let scope = department_scope(actor, agency.id);
        let (_, departments) = self.agency_with_departments(&agency.slug).await?;
        let departments: Vec<Department> = departments
            .into_iter()
            .filter(|d| scope.is_none_or(|s| s == d.id))
            .collect();
        let today = self.clock.today();
        let cal = self.calendar().await?;
        let per_page = match query.per_page {
            0 => DEFAULT_INBOX_PAGE,
            n => n.min(MAX_INBOX_PAGE),
        };
        let (due_from, due_by) = match query.urgency {
            Some(u) => self.urgency_window(u).await?.unwrap_or((None, None)),
            None => (None, None),
        };
        let mut filter = RequestFilter {
            status: query.status,
            due_by,
            due_from,
            // A handler's own department whatever it asks; another is simply not there.
            department_id: scope.or(query.department_id),
            // A handler's requests are all assigned (to its department).
            unassigned: query.unassigned && scope.is_none(),
            channel: query.channel,
            open_only: true,
            search,
            order: ListOrder::Due,
            limit: i64::from(per_page),
            offset: 0,
        };
        let counts = self
            .store
            .inbox_counts(agency.id, scope, today, due_soon_before(&cal, today))
            .await?;
        let total = self.store.count_requests(agency.id, &filter).await?;
        let pages = u32::try_from((total.max(0) + i64::from(per_page) - 1) / i64::from(per_page))
            .unwrap_or(u32::MAX)
            .max(1);
        let page = query.page.clamp(1, pages);
        filter.offset = i64::from(page - 1) * i64::from(per_page);
        let rows = self.store.list_requests(agency.id, &filter).await?;
        let lines = rows
            .into_iter()
            .map(|r| line(r, &departments, &cal, today))
            .collect();
        Ok(Inbox {
            read_only: !actor.may_read_agency(agency.id) || actor.role == Role::Supervisor,
            agency,
            agencies,
            departments,
            department_fixed: scope.is_some(),
            counts,
            lines,
            total,
            page,
            pages,
            per_page,
            today,
        })
    }
}

fn line(
    r: RequestSummary,
    departments: &[Department],
    cal: &gongkai_domain::calendar::Calendar,
    today: NaiveDate,
) -> InboxLine {
    let (urgency, days_left) = urgency(cal, today, r.due_on);
    InboxLine {
        applicant: masked_name(r.applicant_kind, &r.applicant_name),
        department: r.department_id.and_then(|id| {
            departments
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.name.clone())
        }),
        number: r.number,
        channel: r.channel,
        received_on: r.received_on,
        status: r.status,
        due_on: r.due_on,
        due_provisional: r.due_provisional,
        urgency,
        days_left,
    }
}
