//! gongkai-app — the application layer: every use case of gongkai, called alike by the JSON
//! API, the pages and the CLI. Callers turn their input (JSON, a form, arguments) into the
//! plain input types here and render what comes back; the rules live here and in the domain,
//! and the [`Store`] is the repository behind them.
//!
//! Authorisation is decided here, once, from the [`Actor`](gongkai_store::Actor) each caller
//! authenticates: another agency's request, report or case is [`AppError::NotFound`] (the same
//! as a missing one), an action that is another role's (the head's) is
//! [`AppError::Forbidden`]. The store below checks what data must satisfy, not who acts.

pub mod accounts;
pub mod admin;
pub mod error;
pub mod filing;
pub mod portal;
pub mod procedure;
pub mod reports;
pub mod tracking;

use std::sync::Arc;

use gongkai_domain::clock::Clock;
use gongkai_store::{Agency, Store};

pub use accounts::{CreatedUser, LoginInput, LoginSession, TotpEnrolment, UserInput};
pub use admin::TokenInput;
pub use error::AppError;
pub use filing::FilingInput;
pub use procedure::StaffView;
pub use reports::{CellDrillDown, ReviewCaseInput};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: the store and the clock every use case reads "today" from.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        App { store, clock }
    }

    /// The repository, for callers not yet moved onto a use case of their own.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The agencies of the deployment, in the store's order.
    pub async fn agencies(&self) -> Result<Vec<Agency>> {
        Ok(self.store.agencies().await?)
    }

    /// An agency with its departments (承办部门), public.
    pub async fn agency_with_departments(
        &self,
        slug: &str,
    ) -> Result<(Agency, Vec<gongkai_store::Department>)> {
        let agency = self.agency(slug).await?;
        let departments = self.store.departments(agency.id).await?;
        Ok((agency, departments))
    }

    /// The working-day calendar in force now (the embedded notices and every imported one).
    pub async fn calendar(&self) -> Result<Arc<gongkai_domain::calendar::Calendar>> {
        Ok(self.store.current_calendar().await?)
    }

    /// An agency by its slug, or [`AppError::NotFound`].
    pub async fn agency(&self, slug: &str) -> Result<Agency> {
        self.store
            .agency(slug)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("agency {slug}")))
    }
}
