//! `gongkai serve` options for the server's limits (timeouts, sizes, connections, per-address
//! rate limits); each overrides the setting of the file or the environment (defaults in
//! [`LimitSettings::limits`]: 10/h burst 5 filings, 60/min burst 20 tracking, 1024 connections,
//! 10/30/15 s, 1 MiB).

use clap::Args;
use gongkai_web::ServerLimits;

use crate::settings::LimitSettings;

#[derive(Args, Clone, Debug)]
pub struct LimitArgs {
    /// Filings per hour per client address (each is a case the agency must answer); 0 = off.
    #[arg(long, value_name = "N")]
    pub filing_limit: Option<u32>,
    /// Filings at once per address before the hourly rate applies.
    #[arg(long, value_name = "N")]
    pub filing_burst: Option<u32>,
    /// Tracking requests (查询码 tries) per minute per client address; 0 = off.
    #[arg(long, value_name = "N")]
    pub tracking_limit: Option<u32>,
    /// Tracking requests at once per address before the per-minute rate applies.
    #[arg(long, value_name = "N")]
    pub tracking_burst: Option<u32>,
    /// Open connections at most (a connection above it is closed at once).
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// Seconds to receive a request head (also how long an idle keep-alive connection stays).
    #[arg(long, value_name = "SECONDS")]
    pub header_timeout: Option<u64>,
    /// Seconds from a request's head to its answer.
    #[arg(long, value_name = "SECONDS")]
    pub request_timeout: Option<u64>,
    /// Seconds to read a request body, from its first read to its last byte (JSON and page
    /// forms alike; a stalled or trickling client gets 408 after it).
    #[arg(long, value_name = "SECONDS")]
    pub body_timeout: Option<u64>,
    /// Request body size at most, in bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_body: Option<usize>,
}

impl LimitArgs {
    /// The flags given, over the settings (file and environment), over the defaults.
    pub fn limits(&self, settings: &LimitSettings) -> ServerLimits {
        let flags = LimitSettings {
            filing_limit: self.filing_limit,
            filing_burst: self.filing_burst,
            tracking_limit: self.tracking_limit,
            tracking_burst: self.tracking_burst,
            max_connections: self.max_connections,
            header_timeout: self.header_timeout,
            request_timeout: self.request_timeout,
            body_timeout: self.body_timeout,
            max_body: self.max_body,
        };
        settings.overridden_by(&flags).limits()
    }
}
