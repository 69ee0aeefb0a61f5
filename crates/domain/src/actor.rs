//! 行为人 — who acts, and what each role may do. Decided here, in one place, from the
//! regulation's division of labour (the head of the disclosure office approves an extension,
//! Art. 33, and signs off the annual report, Art. 49–50) and from the separation of the three
//! administrators of 等保 2.0 level 3 (三员分立: system, security and audit administrator, none
//! of whom handles requests); applied once, in the application layer. The store records the
//! actor on every event and audit entry.

use serde::Serialize;

use crate::DomainError;
use crate::request::Event;

/// Who acts. Recorded in the audit log and on every event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub name: String,
    pub role: Role,
    /// The one agency a staff member acts for; `None` for the administrators and the system.
    pub agency_id: Option<i64>,
    /// A handler's department (承办部门) within its agency.
    pub department_id: Option<i64>,
    /// The agencies a supervisor (监督) reads.
    pub supervised: Vec<i64>,
}

/// 三员 — the duties of the three separated administrators; each is one role's alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Agencies, departments, user accounts, API tokens, the calendar, agency settings: the
    /// system administrator's (系统管理员).
    System,
    /// Roles, departments and supervised agencies of accounts, unlocking: the security
    /// administrator's (安全管理员).
    Security,
    /// Reading and verifying the audit log: the auditor's (审计员).
    Audit,
}

impl Duty {
    fn role(self) -> Role {
        match self {
            Duty::System => Role::Sysadmin,
            Duty::Security => Role::Secadmin,
            Duty::Audit => Role::Auditor,
        }
    }
}

impl Actor {
    /// A staff member or administrator of `role` (no department, nothing supervised).
    pub fn new(name: impl Into<String>, role: Role, agency_id: Option<i64>) -> Self {
        Actor {
            name: name.into(),
            role,
            agency_id,
            department_id: None,
            supervised: Vec::new(),
        }
    }
    /// The citizen on the portal or the public API (no account).
    pub fn public() -> Self {
        Actor::new("public", Role::Public, None)
    }
    /// The deployment itself (the command line run by its operator, who holds the database):
    /// every power. No account or token carries this role.
    pub fn system() -> Self {
        Actor::new("system", Role::System, None)
    }
    /// Whether this actor does the agency-wide work of an agency: every request, the register,
    /// review cases, the annual report (公开办 and its head).
    pub fn may_act_for(&self, agency_id: i64) -> bool {
        match self.role {
            Role::System => true,
            Role::Office | Role::Head => self.agency_id == Some(agency_id),
            _ => false,
        }
    }
    /// Whether this actor may see a request of `agency_id` assigned to `department_id`: the
    /// agency's office and head, a handler of that very department, a supervisor of the agency.
    /// Anyone else must be told "not found", as for a missing request.
    pub fn may_see_request(&self, agency_id: i64, department_id: Option<i64>) -> bool {
        self.may_handle_request(agency_id, department_id)
            || (self.role == Role::Supervisor && self.supervised.contains(&agency_id))
    }
    /// Whether this actor may record the steps of such a request (a supervisor only reads).
    pub fn may_handle_request(&self, agency_id: i64, department_id: Option<i64>) -> bool {
        self.may_act_for(agency_id)
            || (self.role == Role::Handler
                && self.agency_id == Some(agency_id)
                && department_id.is_some()
                && self.department_id == department_id)
    }
    /// Whether this actor reads an agency's reports and figures: its staff and its supervisors.
    pub fn may_read_agency(&self, agency_id: i64) -> bool {
        self.may_act_for(agency_id)
            || (self.role == Role::Handler && self.agency_id == Some(agency_id))
            || (self.role == Role::Supervisor && self.supervised.contains(&agency_id))
    }
    /// Whether this actor carries out one of the three administrators' duties (the system
    /// carries out all three; no administrator another's).
    pub fn has_duty(&self, duty: Duty) -> bool {
        self.role == Role::System || self.role == duty.role()
    }
    /// Whether this actor administers the deployment (agencies, users, tokens, the calendar).
    pub fn is_admin(&self) -> bool {
        self.has_duty(Duty::System)
    }
    /// Whether this actor is the head of an agency's disclosure office (政府信息公开工作机构负责人):
    /// the one who approves an extension (Art. 33) and approves and publishes the annual report
    /// (Art. 49). An administrator is not: that is an IT role, not the office's head.
    pub fn is_head_of(&self, agency_id: i64) -> bool {
        self.role == Role::Head && self.agency_id == Some(agency_id)
    }
    /// Whether this actor may see an applicant's personal data in the clear (解除脱敏) on a
    /// request of `agency_id`: the agency's disclosure office and its head, who answer and
    /// contact the applicant — not a department's handler, who works on what is sought and sees
    /// the masked forms, nor a supervisor. Each view also needs a written reason and is audited
    /// (`App::personal_data`).
    pub fn may_unmask(&self, agency_id: i64) -> bool {
        self.may_act_for(agency_id)
    }
    /// `Ok` if [`Actor::is_head_of`], else [`DomainError::Forbidden`] naming the action.
    pub fn require_head_of(&self, agency_id: i64, action: &str) -> Result<(), DomainError> {
        if self.is_head_of(agency_id) {
            Ok(())
        } else {
            Err(DomainError::Forbidden(format!(
                "{action} is for the head of the agency's disclosure office (a head token)"
            )))
        }
    }
    /// Whether this actor may record `event` on a request of `agency_id` (isolation aside): an
    /// extension (延期答复, Art. 33) is approved by the head of the disclosure office, so only a
    /// head records it, and the approver recorded is that head's own name; an `approver` that
    /// names anyone else is refused. A `voided` event corrects the record of a case that is legal
    /// evidence, so it too is the head's.
    pub fn may_record(&self, event: &Event, agency_id: i64) -> Result<(), DomainError> {
        if let Event::Voided { .. } = event {
            self.require_head_of(agency_id, "voiding an event")?;
        }
        if let Event::Extended { approver, .. } = event {
            self.require_head_of(agency_id, "an extension (Art. 33)")?;
            if approver.trim() != self.name {
                return Err(DomainError::invalid(
                    "approver",
                    format!("must be the authenticated head ({})", self.name),
                ));
            }
        }
        Ok(())
    }
    /// How the actor is written in the ledger and the audit log: `role:name`.
    pub fn label(&self) -> String {
        format!("{}:{}", self.role.code(), self.name)
    }
}

/// The roles of gongkai; every permission follows from them in [`Actor`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Public,
    /// 公开办 — the disclosure office of one agency: every request of the agency.
    Office,
    /// 承办人 — a handler in one department (承办部门): only that department's requests.
    Handler,
    /// 政府信息公开工作机构负责人 — head of one agency's disclosure office: approves extensions,
    /// answer letters and annual reports.
    Head,
    /// 监督 — reads, never changes, the agencies it supervises.
    Supervisor,
    /// 系统管理员 — agencies and user accounts ([`Duty::System`]).
    Sysadmin,
    /// 安全管理员 — roles and policies ([`Duty::Security`]).
    Secadmin,
    /// 审计员 — reads the audit log ([`Duty::Audit`]).
    Auditor,
    /// The deployment itself (the operator's command line); never an account's or token's.
    System,
}

impl Role {
    /// Every role an account or token may carry.
    pub const ASSIGNABLE: [Role; 7] = [
        Role::Office,
        Role::Handler,
        Role::Head,
        Role::Supervisor,
        Role::Sysadmin,
        Role::Secadmin,
        Role::Auditor,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Role::Public => "public",
            Role::Office => "office",
            Role::Handler => "handler",
            Role::Head => "head",
            Role::Supervisor => "supervisor",
            Role::Sysadmin => "sysadmin",
            Role::Secadmin => "secadmin",
            Role::Auditor => "auditor",
            Role::System => "system",
        }
    }
    /// The role of a stored code.
    pub fn from_code(s: &str) -> Option<Self> {
        [Role::Public, Role::System]
            .into_iter()
            .chain(Role::ASSIGNABLE)
            .find(|r| r.code() == s)
    }
    /// The role an administrator asks to give an account or token: one of
    /// [`Role::ASSIGNABLE`], or a code of before issue 10 (`staff` → `office`, `admin` →
    /// `sysadmin`, accepted with the deprecation note returned beside it).
    pub fn parse_assignable(s: &str) -> Result<(Role, Option<&'static str>), DomainError> {
        match s.trim() {
            "staff" => Ok((
                Role::Office,
                Some("role 'staff' is deprecated: it is now 'office'"),
            )),
            "admin" => Ok((
                Role::Sysadmin,
                Some("role 'admin' is deprecated: it is now 'sysadmin'"),
            )),
            code => Role::ASSIGNABLE
                .into_iter()
                .find(|r| r.code() == code)
                .map(|r| (r, None))
                .ok_or_else(|| {
                    DomainError::invalid(
                        "role",
                        "must be office, handler, head, supervisor, sysadmin, secadmin or auditor",
                    )
                }),
        }
    }
    /// Whether an account or token of this role belongs to one agency.
    pub fn needs_agency(self) -> bool {
        matches!(
            self,
            Role::Office | Role::Handler | Role::Head | Role::Supervisor
        )
    }
    /// Whether logging in with this role needs a TOTP second factor (the head and the three
    /// administrators; optional for the others).
    pub fn requires_second_factor(self) -> bool {
        matches!(
            self,
            Role::Head | Role::Sysadmin | Role::Secadmin | Role::Auditor
        )
    }
    /// 角色 — the role's name on a page.
    pub fn name_zh(self) -> &'static str {
        match self {
            Role::Public => "公众",
            Role::Office => "公开办",
            Role::Handler => "承办人",
            Role::Head => "负责人",
            Role::Supervisor => "监督",
            Role::Sysadmin => "系统管理员",
            Role::Secadmin => "安全管理员",
            Role::Auditor => "审计员",
            Role::System => "系统",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn head(agency: i64) -> Actor {
        Actor::new("负责人", Role::Head, Some(agency))
    }

    #[test]
    fn isolation_and_the_heads_actions() {
        let staff = Actor {
            role: Role::Office,
            ..head(1)
        };
        assert!(staff.may_act_for(1) && !staff.may_act_for(2));
        assert!(Actor::system().may_act_for(2) && !Actor::public().may_act_for(1));
        assert!(
            !Actor::system().is_head_of(1),
            "an administrator is not the head"
        );
        let extension = |approver: &str| Event::Extended {
            on: NaiveDate::from_ymd_opt(2025, 6, 20).unwrap(),
            approver: approver.into(),
            days: 20,
            reason: "需调取历史档案".into(),
        };
        assert!(matches!(
            staff.may_record(&extension("负责人"), 1),
            Err(DomainError::Forbidden(_))
        ));
        assert!(matches!(
            head(1).may_record(&extension("市长"), 1),
            Err(DomainError::Invalid { field, .. }) if field == "approver"
        ));
        assert!(head(1).may_record(&extension("负责人"), 1).is_ok());
        assert!(head(2).may_record(&extension("负责人"), 1).is_err());
    }

    #[test]
    fn a_handler_sees_only_its_department_and_a_supervisor_only_reads() {
        let handler = Actor {
            department_id: Some(7),
            ..Actor::new("承办人", Role::Handler, Some(1))
        };
        assert!(handler.may_handle_request(1, Some(7)));
        assert!(!handler.may_see_request(1, Some(8)), "another department");
        assert!(!handler.may_see_request(1, None), "an unassigned request");
        assert!(!handler.may_see_request(2, Some(7)), "another agency");
        assert!(!handler.may_act_for(1), "agency-wide work is the office's");
        let supervisor = Actor {
            supervised: vec![1],
            ..Actor::new("监督", Role::Supervisor, Some(9))
        };
        assert!(supervisor.may_see_request(1, None) && supervisor.may_read_agency(1));
        assert!(!supervisor.may_handle_request(1, None) && !supervisor.may_see_request(2, None));
    }

    #[test]
    fn the_three_administrators_are_separated_and_handle_no_request() {
        let duties = [Duty::System, Duty::Security, Duty::Audit];
        for (role, own) in [
            (Role::Sysadmin, Duty::System),
            (Role::Secadmin, Duty::Security),
            (Role::Auditor, Duty::Audit),
        ] {
            let admin = Actor::new("管理员", role, None);
            for duty in duties {
                assert_eq!(admin.has_duty(duty), duty == own, "{role:?} {duty:?}");
            }
            assert!(!admin.may_see_request(1, None) && !admin.may_act_for(1));
            assert!(role.requires_second_factor());
        }
        assert!(duties.iter().all(|d| Actor::system().has_duty(*d)));
        for role in Role::ASSIGNABLE {
            assert_eq!(Role::from_code(role.code()), Some(role));
            assert_eq!(Role::parse_assignable(role.code()).unwrap(), (role, None));
        }
        assert_eq!(Role::parse_assignable("staff").unwrap().0, Role::Office);
        assert_eq!(Role::parse_assignable("admin").unwrap().0, Role::Sysadmin);
        assert_eq!(
            Role::parse_assignable("system").unwrap_err().field(),
            "role"
        );
    }
}
