//! 附件 — the files of a request (the applicant's documents, the answer's enclosures): uploading
//! one (type recognised by content and agreeing with the declared one, at most 20 MiB, the name
//! cleaned; [`gongkai_domain::attachment`]), listing them and downloading one. Who may: those
//! who see the request list and download ([`Actor::may_see_request`]; another agency's or
//! department's request is not found), those who handle it upload (a supervisor only reads).

use gongkai_domain::DomainError;
use gongkai_domain::attachment::{self, Purpose};
use gongkai_store::Actor;
use gongkai_store::attachments::{AttachmentInfo, NewAttachment};

use crate::{App, AppError, Result};

/// An upload as a caller received it.
#[derive(Debug, Clone)]
pub struct AttachmentInput {
    /// The file name the uploader gave (cleaned here).
    pub name: String,
    /// The MIME type declared (the part's or the body's `Content-Type`), if any.
    pub declared_type: Option<String>,
    /// `application`, `enclosure` or `other`; none is `application`.
    pub purpose: Option<String>,
    pub bytes: Vec<u8>,
}

/// A request's attachments, and whether the actor may add one.
#[derive(Debug, Clone)]
pub struct RequestAttachments {
    /// Oldest first.
    pub items: Vec<AttachmentInfo>,
    /// The actor handles the request (a supervisor only reads).
    pub may_add: bool,
}

impl App {
    /// Stores an attachment of request `number`: every rule checked at once (purpose, content
    /// type, size, name), then the bytes and the row with its audit entry.
    pub async fn add_attachment(
        &self,
        number: &str,
        input: AttachmentInput,
        actor: &Actor,
    ) -> Result<AttachmentInfo> {
        let record = self.visible_request(number, actor).await?;
        if !actor.may_handle_request(record.agency_id, record.department_id) {
            let why = "a supervisor reads requests, it does not add to their files";
            self.store
                .audit_refusal(actor, "attachment.add", number, why)
                .await?;
            return Err(AppError::Forbidden(why.into()));
        }
        let mut errors: Vec<DomainError> = Vec::new();
        let purpose = match input.purpose.as_deref().map(str::trim) {
            None | Some("") => Some(Purpose::Application),
            Some(p) => p.parse().map_err(|e| errors.push(e)).ok(),
        };
        let file_type = attachment::check(&input.bytes, input.declared_type.as_deref())
            .map_err(|e| errors.push(e))
            .ok();
        let name = match file_type {
            Some(t) => attachment::file_name(&input.name, t)
                .map_err(|e| errors.push(e))
                .ok(),
            None => None,
        };
        let (Some(purpose), Some(file_type), Some(name)) = (purpose, file_type, name) else {
            return Err(AppError::Invalid(errors));
        };
        let new = NewAttachment {
            purpose,
            name,
            file_type,
        };
        Ok(self
            .store
            .add_attachment(record.id, &new, input.bytes, actor)
            .await?)
    }

    /// The attachments of a request, oldest first.
    pub async fn attachments(&self, number: &str, actor: &Actor) -> Result<RequestAttachments> {
        let record = self.visible_request(number, actor).await?;
        Ok(RequestAttachments {
            items: self.store.attachments(record.id).await?,
            may_add: actor.may_handle_request(record.agency_id, record.department_id),
        })
    }

    /// One attachment with its bytes (checked against the recorded digest by the store).
    pub async fn attachment_file(
        &self,
        number: &str,
        id: i64,
        actor: &Actor,
    ) -> Result<(AttachmentInfo, Vec<u8>)> {
        let record = self.visible_request(number, actor).await?;
        self.store
            .attachment_file(record.id, id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("attachment {number}/{id}")))
    }
}
