//! The back office's frame: who is signed in (name, role, agency, the logout button) and the
//! navigation (`templates/admin_nav.html`, included by every back-office page that has a
//! `staff: StaffBar` field), and [`signed_in`], the one way a back-office page finds its actor —
//! no live session is a redirect to the login page, an unconfirmed second factor one to the
//! enrolment.

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_store::{Actor, SessionStage};

use super::cookie_of;
use crate::AppState;
use crate::pages::PageError;

/// A link of the back office's navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    /// The page shown is this link's (`aria-current="page"`).
    pub current: bool,
}

/// Whether an actor sees a link of the navigation.
type Shown = fn(&Actor) -> bool;

/// The pages of the navigation: (href, label, who sees the link). Only pages that exist.
const NAV: [(&str, &str, Shown); 2] = [
    ("/admin/", "收件箱", |_| true),
    ("/admin/register", "登记申请", may_register),
];

/// Whether the actor registers requests: it does its agency's work ([`Actor::may_act_for`], the
/// rule `App::register` applies — the office and the head).
pub fn may_register(actor: &Actor) -> bool {
    actor.agency_id.is_some_and(|a| actor.may_act_for(a))
}

/// Who is signed in and the navigation, as the header of a back-office page shows them.
#[derive(Debug, Clone)]
pub struct StaffBar {
    pub name: String,
    pub login: String,
    pub role: &'static str,
    pub agency: Option<String>,
    pub links: Vec<NavLink>,
}

/// The signed-in staff member of a back-office page.
#[derive(Debug, Clone)]
pub struct Staff {
    pub actor: Actor,
    /// The slug of the staff member's agency (none for a supervisor or an administrator).
    pub agency_slug: Option<String>,
    pub bar: StaffBar,
}

impl Staff {
    /// The bar with `here` (a navigation href) marked current.
    pub fn bar_at(&self, here: &str) -> StaffBar {
        let mut bar = self.bar.clone();
        for l in &mut bar.links {
            l.current = l.href == here;
        }
        bar
    }
}

/// The staff member of the session the request carries, or the redirect to give instead (to
/// `/admin/login` without a live session, to `/admin/totp` while the second factor is not
/// confirmed).
pub async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Result<Staff, Response>, PageError> {
    let session = match cookie_of(headers) {
        Some(id) => state.app.session(&id).await?,
        None => None,
    };
    let Some(session) = session else {
        return Ok(Err(Redirect::to("/admin/login").into_response()));
    };
    if session.stage == SessionStage::Enrol {
        return Ok(Err(Redirect::to("/admin/totp").into_response()));
    }
    let user = session.user;
    let agency = match &user.agency {
        Some(slug) => Some(state.app.agency(slug).await?.name),
        None => None,
    };
    let actor = user.actor();
    let links = NAV
        .iter()
        .filter(|(_, _, shown)| shown(&actor))
        .map(|&(href, label, _)| NavLink {
            href,
            label,
            current: false,
        })
        .collect();
    Ok(Ok(Staff {
        agency_slug: user.agency.clone(),
        bar: StaffBar {
            name: user.name,
            login: user.login,
            role: user.role.name_zh(),
            agency,
            links,
        },
        actor,
    }))
}
