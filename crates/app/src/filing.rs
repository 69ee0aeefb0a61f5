//! 依申请公开 — filing a disclosure request (Art. 27–31): one validation for every caller, so
//! that the API, the form and the CLI name the same field for the same rule.

use gongkai_domain::DomainError;
use gongkai_domain::applicant::{Applicant, ApplicantInput};
use gongkai_domain::request::{Channel, Delivery, RequestDetails};
use gongkai_store::{Actor, CreatedRequest, NewRequest};

use chrono::NaiveDate;
use gongkai_domain::calendar::check_past;

use crate::{App, AppError, Result};

/// A filing as submitted, before validation: plain strings, as a form or a JSON body gives them.
#[derive(Debug, Clone, Default)]
pub struct FilingInput {
    pub applicant: ApplicantInput,
    /// 所需信息的内容描述 (Art. 29(2)).
    pub description: String,
    /// `online` on the portal; staff register the other channels.
    pub channel: String,
    /// `collect`, `post`, `email`, `fax` or `online`.
    pub delivery: String,
    /// 文号, if known.
    pub document_number: Option<String>,
    /// 索引号, if known.
    pub index_number: Option<String>,
    /// The document's title, if known.
    pub document_title: Option<String>,
    /// `paper` or `electronic` (Art. 29(3)); `None` when not stated (older API clients), an
    /// empty string when a form left it unanswered (refused).
    pub medium: Option<String>,
}

/// The parts of a filing every channel shares, validated together.
#[derive(Debug, Clone)]
pub struct Filing {
    pub applicant: Applicant,
    pub description: String,
    pub channel: Channel,
    pub delivery: Delivery,
    pub details: RequestDetails,
}

impl FilingInput {
    /// Validates every field, reporting every bad one at once.
    pub fn validate(&self) -> std::result::Result<Filing, Vec<DomainError>> {
        let mut errors = Vec::new();
        let applicant = self.applicant.validate().map_err(|e| errors.extend(e)).ok();
        let description = gongkai_domain::text::description(&self.description)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let channel = Channel::from_code(&self.channel)
            .map_err(|e| errors.push(e))
            .ok();
        let delivery = Delivery::from_code(&self.delivery)
            .map_err(|e| errors.push(e))
            .ok();
        if let Some(d) = delivery
            && let Err(e) = d.check_contact(
                self.applicant.email.as_deref(),
                self.applicant.address.as_deref(),
            )
        {
            errors.push(e);
        }
        let details = RequestDetails::parse(
            self.document_number.as_deref(),
            self.index_number.as_deref(),
            self.document_title.as_deref(),
            self.medium.as_deref(),
            delivery,
        )
        .map_err(|e| errors.extend(e))
        .ok();
        match (applicant, channel, delivery, details) {
            (Some(applicant), Some(channel), Some(delivery), Some(details))
                if errors.is_empty() =>
            {
                Ok(Filing {
                    applicant,
                    description,
                    channel,
                    delivery,
                    details,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A request that staff register from any channel (Art. 31 decides its receipt date).
#[derive(Debug, Clone, Default)]
pub struct RegistrationInput {
    pub filing: FilingInput,
    /// Day the request reached the agency (YYYY-MM-DD); today if absent.
    pub arrived_on: Option<String>,
    /// Day of signature (post) or mutual confirmation (letter, online, fax).
    pub confirmed_on: Option<String>,
    pub department_id: Option<i64>,
}

impl App {
    /// Files a request on the portal (public, online channel). The portal confirms receipt at
    /// once, so for Art. 31 it is received on the day it is submitted.
    pub async fn file_online(&self, agency: &str, input: &FilingInput) -> Result<CreatedRequest> {
        let agency = self.agency(agency).await?;
        let mut filing = input.validate();
        if input.channel != "online" {
            let e = DomainError::invalid(
                "channel",
                "the portal files online requests only; other channels are registered by staff",
            );
            filing = Err(match filing {
                Ok(_) => vec![e],
                Err(mut errors) => {
                    errors.retain(|x| x.field() != "channel");
                    errors.push(e);
                    errors
                }
            });
        }
        let filing = filing?;
        let today = self.clock.today();
        let received_on = filing.channel.receipt_date(today, Some(today))?;
        self.create(agency, filing, received_on, None, &Actor::public())
            .await
    }

    /// Registers a request received through any channel (staff of the agency).
    pub async fn register(
        &self,
        agency: &str,
        input: &RegistrationInput,
        actor: &Actor,
    ) -> Result<CreatedRequest> {
        let agency = self.agency(agency).await?;
        if !actor.may_act_for(agency.id) {
            return Err(AppError::NotFound(format!("agency {}", agency.slug)));
        }
        let mut errors = Vec::new();
        let filing = input.filing.validate().map_err(|e| errors.extend(e)).ok();
        let arrived = optional_date("arrived_on", input.arrived_on.as_deref())
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let confirmed = optional_date("confirmed_on", input.confirmed_on.as_deref())
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        // The dates are checked whatever else is wrong, so that every error is told at once.
        let today = self.clock.today();
        let arrived = check_past("arrived_on", arrived.unwrap_or(today), today)
            .map_err(|e| errors.push(e))
            .ok();
        if let Some(c) = confirmed
            && let Err(e) = check_past("confirmed_on", c, today)
        {
            errors.push(e);
        }
        let received_on = match (Channel::from_code(&input.filing.channel), arrived) {
            (Ok(channel), Some(arrived)) if !errors.iter().any(|e| e.field() == "confirmed_on") => {
                channel
                    .receipt_date(arrived, confirmed)
                    .map_err(|e| errors.push(e))
                    .ok()
            }
            _ => None,
        };
        let (Some(filing), Some(received_on), true) = (filing, received_on, errors.is_empty())
        else {
            return Err(errors.into());
        };
        self.create(agency, filing, received_on, input.department_id, actor)
            .await
    }

    /// Registers the request with its 受理回执 (numbered by the request, frozen with it).
    async fn create(
        &self,
        agency: gongkai_store::Agency,
        filing: Filing,
        received_on: NaiveDate,
        department_id: Option<i64>,
        actor: &Actor,
    ) -> Result<CreatedRequest> {
        let agency_id = agency.id;
        let maker = self.agency_letters(agency).await?;
        Ok(self
            .store
            .create_request_with_letter(
                NewRequest {
                    agency_id,
                    applicant: filing.applicant,
                    description: filing.description,
                    channel: filing.channel,
                    delivery: filing.delivery,
                    received_on,
                    department_id,
                    details: filing.details,
                },
                actor,
                &maker,
                self.clock.today(),
            )
            .await?)
    }
}

/// An optional `YYYY-MM-DD` field: blank is absent.
pub fn optional_date(
    field: &str,
    text: Option<&str>,
) -> std::result::Result<Option<NaiveDate>, DomainError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => gongkai_domain::calendar::parse_date(field, t).map(Some),
        None => Ok(None),
    }
}
