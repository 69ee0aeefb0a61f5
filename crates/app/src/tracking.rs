//! Following a request with its 申请编号 and 查询码: what the applicant may see of it.

use gongkai_store::RequestRecord;

use crate::{App, AppError, Result};

impl App {
    /// The request if `query_code` is its code. An unknown number and a wrong code give the
    /// same [`AppError::NotFound`], so that neither can be told from the other.
    pub async fn track(&self, number: &str, query_code: &str) -> Result<RequestRecord> {
        self.store
            .request_for_applicant(number, query_code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("request {number}")))
    }
}
