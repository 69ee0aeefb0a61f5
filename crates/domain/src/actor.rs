//! 行为人 — who acts, and what each role may do. Decided here from the regulation's division of
//! labour (the head of the disclosure office approves an extension, Art. 33, and signs off the
//! annual report, Art. 49–50) and applied once, in the application layer; the store records
//! the actor on every event and audit entry.

use serde::Serialize;

use crate::DomainError;
use crate::request::Event;

/// Who acts. Recorded in the audit log and on every event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub name: String,
    pub role: Role,
    /// The one agency a staff member may act for; `None` for deployment administrators.
    pub agency_id: Option<i64>,
}

impl Actor {
    /// The citizen on the portal or the public API (no account).
    pub fn public() -> Self {
        Actor {
            name: "public".into(),
            role: Role::Public,
            agency_id: None,
        }
    }
    /// The deployment itself (the command line run by its operator): an administrator.
    pub fn system() -> Self {
        Actor {
            name: "system".into(),
            role: Role::Admin,
            agency_id: None,
        }
    }
    /// Whether this actor may act for an agency (agency isolation).
    pub fn may_act_for(&self, agency_id: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Staff | Role::Head => self.agency_id == Some(agency_id),
            Role::Public => false,
        }
    }
    /// Whether this actor administers the deployment (agencies, tokens, the calendar, the log).
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    /// Whether this actor is the head of an agency's disclosure office (政府信息公开工作机构负责人):
    /// the one who approves an extension (Art. 33) and approves and publishes the annual report
    /// (Art. 49). A deployment administrator is not: that is an IT role, not the office's head.
    pub fn is_head_of(&self, agency_id: i64) -> bool {
        self.role == Role::Head && self.agency_id == Some(agency_id)
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Public,
    /// 公开办/承办部门 staff of one agency.
    Staff,
    /// 政府信息公开工作机构负责人 — head of one agency's disclosure office: approves extensions and
    /// annual reports.
    Head,
    /// Deployment administrator (all agencies).
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Public => "public",
            Role::Staff => "staff",
            Role::Head => "head",
            Role::Admin => "admin",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "public" => Some(Role::Public),
            "staff" => Some(Role::Staff),
            "head" => Some(Role::Head),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn head(agency: i64) -> Actor {
        Actor {
            name: "负责人".into(),
            role: Role::Head,
            agency_id: Some(agency),
        }
    }

    #[test]
    fn isolation_and_the_heads_actions() {
        let staff = Actor {
            role: Role::Staff,
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
}
