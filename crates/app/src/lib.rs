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
pub mod attachments;
mod directory;
pub mod error;
pub mod filing;
pub mod inbox;
pub mod letters;
pub mod portal;
pub mod procedure;
pub mod reports;
pub mod tracking;

use std::sync::Arc;
use std::time::Duration;

use gongkai_domain::clock::Clock;
use gongkai_store::{Agency, Department, Store};

pub use crate::directory::DEFAULT_TTL as DIRECTORY_TTL;
use crate::directory::{AgencyIndex, Directory};

pub use accounts::{CreatedUser, LoginInput, LoginSession, TotpEnrolment, UserInput};
pub use admin::TokenInput;
pub use attachments::AttachmentInput;
pub use error::AppError;
pub use filing::FilingInput;
pub use inbox::{Inbox, InboxLine, InboxQuery};
pub use procedure::StaffView;
pub use reports::{CellDrillDown, CellFact, ReviewCaseInput};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: the store, the clock every use case reads "today" from, and the agency
/// directory kept in memory (see [`directory`](crate::directory) for what is cached and how
/// fresh it is).
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    directory: Arc<Directory>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        App {
            store,
            clock,
            directory: Arc::new(Directory::new(DIRECTORY_TTL)),
        }
    }

    /// The same application with another time to live for the agency directory: how long a
    /// change made by another server (or the CLI) may go unseen; zero reads the database on
    /// every call.
    pub fn with_directory_ttl(mut self, ttl: Duration) -> Self {
        self.directory = Arc::new(Directory::new(ttl));
        self
    }

    /// The time to live of the agency directory.
    pub fn directory_ttl(&self) -> Duration {
        self.directory.ttl()
    }

    async fn agency_index(&self) -> Result<Arc<AgencyIndex>> {
        self.directory
            .get(&self.directory.agencies, (), || async {
                Ok(Arc::new(AgencyIndex::new(self.store.agencies().await?)))
            })
            .await
    }

    /// The agencies of the deployment, in the store's order.
    pub async fn agencies(&self) -> Result<Vec<Agency>> {
        Ok(self.agency_index().await?.list.clone())
    }

    /// An agency with its departments (承办部门), public.
    pub async fn agency_with_departments(&self, slug: &str) -> Result<(Agency, Vec<Department>)> {
        let agency = self.agency(slug).await?;
        let departments = self
            .directory
            .get(&self.directory.departments, agency.id, || async {
                Ok(Arc::new(self.store.departments(agency.id).await?))
            })
            .await?;
        Ok((agency, departments.as_ref().clone()))
    }

    /// The working-day calendar in force now (the embedded notices and every imported one).
    pub async fn calendar(&self) -> Result<Arc<gongkai_domain::calendar::Calendar>> {
        self.directory
            .get(&self.directory.calendar, (), || async {
                Ok(self.store.current_calendar().await?)
            })
            .await
    }

    /// The answer to a deadline question (the API's calculator, `gongkai deadline --data`) on
    /// the calendar in force now, explained day by day.
    pub async fn deadline(
        &self,
        question: &gongkai_domain::deadline::DeadlineQuestion,
    ) -> Result<gongkai_domain::deadline::Deadline> {
        Ok(question.answer(&*self.calendar().await?)?)
    }

    /// Today (China time) by the application's clock: the day a form proposes for a step, the
    /// year whose report is being written.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// An agency by its slug, or [`AppError::NotFound`].
    pub async fn agency(&self, slug: &str) -> Result<Agency> {
        self.agency_index()
            .await?
            .get(slug)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("agency {slug}")))
    }

    /// Runs `change` to the agency directory and then forgets the cached directory, whether
    /// the change succeeded or not (a part of it may have committed).
    async fn changing_directory<T>(
        &self,
        change: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let result = change.await;
        self.directory.invalidate();
        result
    }
}
