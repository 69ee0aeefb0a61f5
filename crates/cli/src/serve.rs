//! `gongkai serve` options for the server's limits (timeouts, sizes, connections, per-address
//! rate limits).

use std::time::Duration;

use clap::Args;
use gongkai_web::{RateLimit, ServerLimits};

#[derive(Args, Clone, Debug)]
pub struct LimitArgs {
    /// Filings per hour per client address (each is a case the agency must answer); 0 = off.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub filing_limit: u32,
    /// Filings at once per address before the hourly rate applies.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub filing_burst: u32,
    /// Tracking requests (查询码 tries) per minute per client address; 0 = off.
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub tracking_limit: u32,
    /// Tracking requests at once per address before the per-minute rate applies.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub tracking_burst: u32,
    /// Open connections at most (a connection above it is closed at once).
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_connections: usize,
    /// Seconds to receive a request head (also how long an idle keep-alive connection stays).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds from a request's head to its answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub request_timeout: u64,
    /// Seconds to read a request body.
    #[arg(long, value_name = "SECONDS", default_value_t = 15)]
    pub body_timeout: u64,
    /// Request body size at most, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_body: usize,
}

impl LimitArgs {
    pub fn limits(&self) -> ServerLimits {
        let secs = |s: u64| Duration::from_secs(s.max(1));
        ServerLimits {
            header_read_timeout: secs(self.header_timeout),
            request_timeout: secs(self.request_timeout),
            body_read_timeout: secs(self.body_timeout),
            max_connections: self.max_connections.max(1),
            max_body_bytes: self.max_body.max(1024),
            filing: RateLimit::per_hour(self.filing_limit, self.filing_burst),
            tracking: RateLimit::per_minute(self.tracking_limit, self.tracking_burst),
        }
    }
}
