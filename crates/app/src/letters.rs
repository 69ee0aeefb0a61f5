//! 告知书 — the letters of the procedure: filling the agency's template (its own, or the default
//! in the binary) with the facts of a request, rendering it off the async executor while the
//! store records the event that sends it ([`gongkai_store::letters`]), the templates' use cases
//! (get, put, reset, preview) for the agency's staff, and the letters' files — for staff, and
//! for the applicant those addressed to them.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate};
use gongkai_domain::agency::{AgencySettings, SettingKey};
use gongkai_domain::fee::{FeeBasis, PAYMENT_DAYS};
use gongkai_domain::letter::{
    LetterKind, NumberPattern, Placeholder, REGULATION, Template, outcome_of, remedy_clause,
    reply_days,
};
use gongkai_domain::request::Event;
use gongkai_render::Letter;
use gongkai_store::letters::{LetterDraft, LetterFiles, LetterFormat, LetterInfo, LetterMaker};
use gongkai_store::{Actor, Agency, RequestRecord, StoreError};
use serde::Serialize;

use crate::{App, AppError, Result};

/// A day as a letter writes it: `2025年6月9日`.
pub fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// What an agency's letters are made from: its name, settings and templates.
pub(crate) struct AgencyLetters {
    agency: Agency,
    settings: AgencySettings,
    pattern: NumberPattern,
    templates: BTreeMap<LetterKind, Template>,
}

impl AgencyLetters {
    fn template(&self, kind: LetterKind) -> Template {
        self.templates
            .get(&kind)
            .cloned()
            .unwrap_or_else(|| Template::default_for(kind))
    }

    /// The letter of `kind` for `event` of `record`. Values an event of another kind would give
    /// (a preview without such an event) are shown as `〔名称〕`.
    fn letter(
        &self,
        template: &Template,
        record: &RequestRecord,
        event: Option<&Event>,
        letter_no: &str,
        issued_on: NaiveDate,
    ) -> Letter {
        let kind = template.kind();
        let outcome = event.and_then(outcome_of);
        let review_body = self.settings.get(SettingKey::ReviewBody);
        let value = |p: Placeholder| -> String {
            use Placeholder as P;
            let missing = || format!("〔{}〕", p.name());
            match (p, event) {
                (P::Agency, _) => self.agency.name.clone(),
                (P::Applicant, _) => record.applicant_name.clone(),
                (P::Number, _) => record.number.clone(),
                (P::ReceivedOn, _) => date_zh(record.received_on),
                (P::Description, _) => record.description.clone(),
                (P::LetterNo, _) => letter_no.to_string(),
                (P::IssuedOn, _) => date_zh(issued_on),
                (P::Regulation, _) => REGULATION.to_string(),
                (P::Article, _) if kind.is_answer() && outcome.is_none() => missing(),
                (P::Article, _) => kind.article(outcome).to_string(),
                (P::Remedy, _) => remedy_clause(review_body),
                (P::ReviewBody, _) => review_body
                    .unwrap_or(gongkai_domain::letter::REVIEW_BODY_UNNAMED)
                    .to_string(),
                (P::ReplyDays, _) => reply_days().to_string(),
                (P::PaymentDays, _) => PAYMENT_DAYS.to_string(),
                (P::DueOn, _) => record.due_on.map_or_else(missing, date_zh),
                (P::CorrectionItems, Some(Event::CorrectionRequested { items, .. })) => {
                    items.clone()
                }
                (P::CorrectBy, Some(Event::CorrectionRequested { correct_by, .. })) => {
                    date_zh(*correct_by)
                }
                (P::ExtensionDays, Some(Event::Extended { days, .. })) => days.to_string(),
                (P::ExtensionReason, Some(Event::Extended { reason, .. })) => reason.clone(),
                (P::Consulted, Some(Event::ConsultationStarted { with, .. })) => with.clone(),
                (P::FeeBasis, Some(Event::FeeNoticed { basis, .. })) => match basis {
                    FeeBasis::ByCount { .. } => "按件计收".to_string(),
                    FeeBasis::ByPages { .. } => "按量计收".to_string(),
                },
                (P::FeeAmount, Some(Event::FeeNoticed { amount_yuan, .. })) => {
                    amount_yuan.to_string()
                }
                (P::Outcome, _) => outcome.map_or_else(missing, |o| o.label_zh().to_string()),
                _ => missing(),
            }
        };
        Letter {
            agency: self.agency.name.clone(),
            title: kind.title_zh().to_string(),
            number: letter_no.to_string(),
            paragraphs: template.fill(value),
            date: date_zh(issued_on),
        }
    }
}

#[async_trait]
impl LetterMaker for AgencyLetters {
    fn pattern(&self) -> &NumberPattern {
        &self.pattern
    }

    async fn make(&self, draft: LetterDraft<'_>) -> gongkai_store::Result<LetterFiles> {
        let event = usize::try_from(draft.seq - 1)
            .ok()
            .and_then(|i| draft.record.events.get(i))
            .map(|e| &e.event);
        let letter = self.letter(
            &self.template(draft.kind),
            draft.record,
            event,
            draft.letter_no,
            draft.issued_on,
        );
        render(letter)
            .await
            .map_err(|e| StoreError::Letter(e.to_string()))
    }
}

/// Both files of a letter, rendered off the async executor.
async fn render(letter: Letter) -> Result<LetterFiles> {
    tokio::task::spawn_blocking(move || {
        Ok::<_, gongkai_render::RenderError>(LetterFiles {
            pdf: gongkai_render::letter_pdf(&letter)?,
            docx: gongkai_render::letter_docx(&letter)?,
        })
    })
    .await
    .map_err(|e| AppError::Render(format!("letter task: {e}")))?
    .map_err(|e| AppError::Render(format!("letter: {e}")))
}

/// A template as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateView {
    pub kind: LetterKind,
    pub title: &'static str,
    pub body: String,
    /// The agency has not edited it: the default in the binary.
    pub is_default: bool,
    /// The placeholders this kind knows, as written (`{申请编号}`).
    pub placeholders: Vec<String>,
    /// Those it must contain.
    pub required: Vec<String>,
    /// Addressed to the applicant (offered on the tracking page).
    pub to_applicant: bool,
}

/// A letter's text as a preview shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LetterPreview {
    pub kind: LetterKind,
    pub title: String,
    /// The number as it will look (the serial is allocated when the letter is sent).
    pub number: String,
    pub paragraphs: Vec<String>,
    pub agency: String,
    pub date: String,
}

fn braces(ps: &[Placeholder]) -> Vec<String> {
    ps.iter().map(|p| format!("{{{}}}", p.name())).collect()
}

impl App {
    pub(crate) async fn agency_letters(&self, agency: Agency) -> Result<AgencyLetters> {
        let settings = self.store.agency_settings(agency.id).await?;
        let templates = self
            .store
            .letter_templates(agency.id)
            .await?
            .into_iter()
            .filter_map(|(kind, body)| {
                // A stored template was checked when written; one this version cannot read
                // (a kind it does not know) is left out, so the default applies.
                let kind: LetterKind = kind.parse().ok()?;
                Some((kind, Template::parse(kind, &body).ok()?))
            })
            .collect();
        Ok(AgencyLetters {
            pattern: settings.letter_number(),
            settings,
            templates,
            agency,
        })
    }

    /// Records an event (see [`App::append_event`]) with the letter it sends.
    pub(crate) async fn record_with_letter(
        &self,
        record: &RequestRecord,
        event: Event,
        actor: &Actor,
    ) -> Result<RequestRecord> {
        let agency = self
            .store
            .agency_by_id(record.agency_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("request {}", record.number)))?;
        let maker = self.agency_letters(agency).await?;
        Ok(self
            .store
            .append_event_with_letter(&record.number, event, actor, &maker)
            .await?)
    }

    /// The agency's template of `kind` (its own or the default), for its staff.
    pub async fn letter_template(
        &self,
        slug: &str,
        kind: &str,
        actor: &Actor,
    ) -> Result<TemplateView> {
        let kind: LetterKind = kind.parse()?;
        let agency = self.own_agency(slug, actor).await?;
        let letters = self.agency_letters(agency).await?;
        Ok(TemplateView {
            kind,
            title: kind.title_zh(),
            is_default: !letters.templates.contains_key(&kind),
            body: letters.template(kind).body().to_string(),
            placeholders: braces(&kind.placeholders()),
            required: braces(kind.required()),
            to_applicant: kind.to_applicant(),
        })
    }

    /// Stores the agency's template of `kind` after checking it (an unknown placeholder is an
    /// error naming it).
    pub async fn set_letter_template(
        &self,
        slug: &str,
        kind: &str,
        body: &str,
        actor: &Actor,
    ) -> Result<TemplateView> {
        let kind_code = kind;
        let kind: LetterKind = kind.parse()?;
        let agency = self.own_agency(slug, actor).await?;
        let template = Template::parse(kind, body)?;
        self.store
            .set_letter_template(agency.id, kind, Some(template.body()), actor)
            .await?;
        self.letter_template(slug, kind_code, actor).await
    }

    /// Drops the agency's template of `kind`: the default applies again.
    pub async fn reset_letter_template(
        &self,
        slug: &str,
        kind: &str,
        actor: &Actor,
    ) -> Result<TemplateView> {
        let kind_code = kind;
        let kind: LetterKind = kind.parse()?;
        let agency = self.own_agency(slug, actor).await?;
        self.store
            .set_letter_template(agency.id, kind, None, actor)
            .await?;
        self.letter_template(slug, kind_code, actor).await
    }

    /// The letter of `kind` for the request `number` of the agency as it would read today,
    /// from `body` (not stored) or the agency's template. The values of the request's latest
    /// event of that kind fill it; those it has none of are shown as `〔名称〕`.
    pub async fn preview_letter(
        &self,
        slug: &str,
        kind: &str,
        number: &str,
        body: Option<&str>,
        actor: &Actor,
    ) -> Result<LetterPreview> {
        let kind: LetterKind = kind.parse()?;
        let agency = self.own_agency(slug, actor).await?;
        let record = self.visible_request(number, actor).await?;
        if record.agency_id != agency.id {
            return Err(AppError::NotFound(format!("request {number}")));
        }
        let letters = self.agency_letters(agency).await?;
        let template = match body {
            Some(body) => Template::parse(kind, body)?,
            None => letters.template(kind),
        };
        let event = record
            .events
            .iter()
            .rev()
            .filter(|e| e.voided_by.is_none())
            .map(|e| &e.event)
            .find(|e| LetterKind::for_event(e) == Some(kind));
        let today = self.clock.today();
        let no = letters.pattern.preview(today.year());
        let letter = letters.letter(&template, &record, event, &no, today);
        Ok(LetterPreview {
            kind,
            title: letter.title,
            number: letter.number,
            paragraphs: letter.paragraphs,
            agency: letter.agency,
            date: letter.date,
        })
    }

    /// The letters of a request, for the staff of its agency.
    pub async fn request_letters(&self, number: &str, actor: &Actor) -> Result<Vec<LetterInfo>> {
        Ok(self.visible_request(number, actor).await?.letters)
    }

    /// One letter's file, for the staff of the request's agency.
    pub async fn letter_file(
        &self,
        number: &str,
        event_seq: i64,
        format: &str,
        actor: &Actor,
    ) -> Result<(LetterInfo, Vec<u8>)> {
        let format = parse_format(format)?;
        let record = self.visible_request(number, actor).await?;
        self.store
            .letter_file(record.id, event_seq, format)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("letter {number}/{event_seq}")))
    }

    /// One letter addressed to the applicant, by number and 查询码 at the agency `slug`: a
    /// letter not addressed to them is not found, as a wrong code is.
    pub async fn applicant_letter_file(
        &self,
        slug: &str,
        number: &str,
        query_code: &str,
        event_seq: i64,
        format: &str,
    ) -> Result<(LetterInfo, Vec<u8>)> {
        let format = parse_format(format)?;
        let agency = self.agency(slug).await?;
        let record = self.track(number, query_code).await?;
        let not_found = || AppError::NotFound(format!("request {number}"));
        if record.agency_id != agency.id {
            return Err(not_found());
        }
        match self.store.letter_file(record.id, event_seq, format).await? {
            Some((info, bytes)) if for_applicant(&record, &info) => Ok((info, bytes)),
            _ => Err(not_found()),
        }
    }
}

/// The letters addressed to the applicant of a request they track (number and 查询码,
/// see [`App::track`]): never a consultation letter, nor the letter of a voided event.
pub(crate) fn applicant_letters(record: &RequestRecord) -> Vec<LetterInfo> {
    record
        .letters
        .iter()
        .filter(|l| for_applicant(record, l))
        .cloned()
        .collect()
}

/// Whether the applicant sees the letter: addressed to them, and its event not voided.
fn for_applicant(record: &RequestRecord, letter: &LetterInfo) -> bool {
    letter.to_applicant
        && record
            .events
            .iter()
            .any(|e| e.seq == letter.event_seq && e.voided_by.is_none())
}

fn parse_format(format: &str) -> Result<LetterFormat> {
    LetterFormat::from_code(format).ok_or_else(|| {
        AppError::Invalid(vec![
            gongkai_domain::DomainError::invalid("format", "must be pdf or docx")
                .zh("文件格式应为 pdf 或 docx"),
        ])
    })
}
