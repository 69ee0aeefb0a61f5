//! What the server allows one connection, one request and one address: timeouts, sizes, the
//! connection limit, and per-address rate limits on filing and tracking (every filing is a case
//! the agency must answer by law; every tracking request tries a 查询码).
//!
//! The rate limiter is a keyed token bucket of our own: one bucket per client address (an IPv6
//! address counts by its /64, what one subscriber usually holds), refilled continuously, with a
//! bounded number of buckets (full buckets, i.e. idle addresses, are evicted first).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::ApiError;

/// The server's limits, passed to [`crate::serve`] and [`crate::router`].
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// Time to receive a request's head. It also bounds an idle keep-alive connection: the
    /// wait for the next request's head starts when the previous answer is sent.
    pub header_read_timeout: Duration,
    /// Time from a request's head to its answer (408 after it).
    pub request_timeout: Duration,
    /// Time to read a whole request body — the API's JSON and the pages' forms alike
    /// (`extract::read_body`); a stalled or trickling client gets 408 after it.
    pub body_read_timeout: Duration,
    /// Open connections at most; above it a new connection is closed at once.
    pub max_connections: usize,
    /// Request body size at most (413 above it).
    pub max_body_bytes: usize,
    /// Filings (`POST /api/v1/agencies/{agency}/requests`) per address.
    pub filing: RateLimit,
    /// Tracking requests (`GET /api/v1/requests/{number}`, each tries a 查询码) per address.
    pub tracking: RateLimit,
    /// Login attempts (`POST /admin/login`) per address, beside the lock of an account after
    /// five failures.
    pub login: RateLimit,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(15),
            max_connections: 1024,
            max_body_bytes: 1024 * 1024,
            filing: RateLimit::per_hour(10, 5),
            tracking: RateLimit::per_minute(60, 20),
            login: RateLimit::per_minute(10, 10),
        }
    }
}

impl ServerLimits {
    /// The defaults without rate limits (tests and load drills that file from one address).
    pub fn without_rate_limits() -> Self {
        ServerLimits {
            filing: RateLimit::OFF,
            tracking: RateLimit::OFF,
            login: RateLimit::OFF,
            ..ServerLimits::default()
        }
    }
}

/// `count` requests per `period` per address, at most `burst` at once; `count == 0` is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u32,
    pub period: Duration,
    pub burst: u32,
}

impl RateLimit {
    pub const OFF: RateLimit = RateLimit {
        count: 0,
        period: Duration::from_secs(3600),
        burst: 0,
    };
    /// `count` per hour, bursts of at most `burst` (at least 1, at most `count`).
    pub fn per_hour(count: u32, burst: u32) -> Self {
        Self::new(count, Duration::from_secs(3600), burst)
    }
    /// `count` per minute, bursts of at most `burst` (at least 1, at most `count`).
    pub fn per_minute(count: u32, burst: u32) -> Self {
        Self::new(count, Duration::from_secs(60), burst)
    }
    pub fn new(count: u32, period: Duration, burst: u32) -> Self {
        RateLimit {
            count,
            period,
            burst: burst.clamp(1, count.max(1)),
        }
    }
    pub fn is_off(&self) -> bool {
        self.count == 0 || self.period.is_zero()
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// A keyed token bucket with at most `max_keys` buckets.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    max_keys: usize,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

/// Buckets kept at most per limiter (a bucket is a few dozen bytes).
pub const MAX_TRACKED_ADDRESSES: usize = 100_000;

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        Self::with_capacity(limit, MAX_TRACKED_ADDRESSES)
    }
    pub fn with_capacity(limit: RateLimit, max_keys: usize) -> Self {
        RateLimiter {
            limit,
            max_keys: max_keys.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Tokens regained per second.
    fn rate(&self) -> f64 {
        f64::from(self.limit.count) / self.limit.period.as_secs_f64()
    }

    /// Takes one token for `addr` at `now`: `Ok(())`, or `Err(seconds)` until one is back.
    pub fn check_at(&self, addr: IpAddr, now: Instant) -> Result<(), u64> {
        if self.limit.is_off() {
            return Ok(());
        }
        let key = bucket_key(addr);
        let burst = f64::from(self.limit.burst);
        let rate = self.rate();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if !buckets.contains_key(&key) && buckets.len() >= self.max_keys {
            // Idle addresses (full again) go first; if that frees nothing, any go.
            buckets.retain(|_, b| refilled(b, now, rate, burst) < burst);
            while buckets.len() >= self.max_keys {
                let Some(k) = buckets.keys().next().copied() else {
                    break;
                };
                buckets.remove(&k);
            }
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        bucket.tokens = refilled(bucket, now, rate, burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / rate).ceil().max(1.0) as u64)
        }
    }

    /// Addresses tracked now.
    pub fn tracked(&self) -> usize {
        self.buckets.lock().map(|b| b.len()).unwrap_or_default()
    }
}

fn refilled(b: &Bucket, now: Instant, rate: f64, burst: f64) -> f64 {
    let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
    (b.tokens + elapsed * rate).min(burst)
}

/// An IPv4 address as is; an IPv6 address by its /64 (an IPv4-mapped one as IPv4).
fn bucket_key(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Middleware: one token per request from the client's address (`ConnectInfo`, set by
/// [`crate::serve`]), else 429 with `Retry-After` and the JSON error body.
pub async fn rate_limited(
    State(limiter): State<Arc<RateLimiter>>,
    req: Request,
    next: Next,
) -> Response {
    let addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    match limiter.check_at(addr, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(retry_after_secs) => ApiError::TooManyRequests { retry_after_secs }.into_response(),
    }
}

/// The filing and tracking budgets, shared by the JSON API and the pages: the router puts them
/// into every request's extensions, and a page's POST handler takes its token through
/// [`PageBudgets`] (a form POST counts against the same bucket as its JSON equivalent).
#[derive(Debug, Clone)]
pub struct Budgets {
    pub filing: Arc<RateLimiter>,
    pub tracking: Arc<RateLimiter>,
    pub login: Arc<RateLimiter>,
}

/// The client's address (`ConnectInfo`, set by [`crate::serve`]), unspecified if unknown.
pub fn client_addr(extensions: &axum::http::Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// Extractor: the [`Budgets`] and the client's address, for a page handler to spend a token.
#[derive(Debug, Clone)]
pub struct PageBudgets {
    budgets: Option<Budgets>,
    addr: IpAddr,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageBudgets {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(PageBudgets {
            budgets: parts.extensions.get::<Budgets>().cloned(),
            addr: client_addr(&parts.extensions),
        })
    }
}

impl PageBudgets {
    /// One filing token: `Err(seconds)` until one is back.
    pub fn filing(&self) -> Result<(), u64> {
        match &self.budgets {
            Some(b) => b.filing.check_at(self.addr, Instant::now()),
            None => Ok(()),
        }
    }

    /// One tracking token: `Err(seconds)` until one is back.
    pub fn tracking(&self) -> Result<(), u64> {
        match &self.budgets {
            Some(b) => b.tracking.check_at(self.addr, Instant::now()),
            None => Ok(()),
        }
    }

    /// One login attempt: `Err(seconds)` until one is back.
    pub fn login(&self) -> Result<(), u64> {
        match &self.budgets {
            Some(b) => b.login.check_at(self.addr, Instant::now()),
            None => Ok(()),
        }
    }

    /// The client's address.
    pub fn addr(&self) -> IpAddr {
        self.addr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_burst_then_one_token_per_interval() {
        let limiter = RateLimiter::new(RateLimit::per_hour(10, 5));
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(limiter.check_at(ip("10.0.0.1"), t0).is_ok());
        }
        // 10 per hour: one token every 360 s.
        assert_eq!(limiter.check_at(ip("10.0.0.1"), t0), Err(360));
        assert!(limiter.check_at(ip("10.0.0.2"), t0).is_ok(), "per address");
        let later = t0 + Duration::from_secs(360);
        assert!(limiter.check_at(ip("10.0.0.1"), later).is_ok());
        assert!(limiter.check_at(ip("10.0.0.1"), later).is_err());
    }

    #[test]
    fn off_is_off_and_ipv6_counts_by_its_64() {
        let off = RateLimiter::new(RateLimit::OFF);
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert!(off.check_at(ip("10.0.0.1"), t0).is_ok());
        }
        let limiter = RateLimiter::new(RateLimit::per_minute(1, 1));
        assert!(limiter.check_at(ip("2001:db8:1:2::1"), t0).is_ok());
        assert!(limiter.check_at(ip("2001:db8:1:2::ffff"), t0).is_err());
        assert!(limiter.check_at(ip("2001:db8:1:3::1"), t0).is_ok());
    }

    #[test]
    fn memory_is_bounded_and_idle_addresses_go_first() {
        let limiter = RateLimiter::with_capacity(RateLimit::per_minute(60, 2), 100);
        let t0 = Instant::now();
        for i in 0..10_000u32 {
            let a = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            let _ = limiter.check_at(a, t0);
            assert!(limiter.tracked() <= 100);
        }
        // One busy address, exhausted; then many others arrive once each.
        let busy = ip("192.0.2.1");
        let t1 = t0 + Duration::from_secs(3600);
        let _ = limiter.check_at(busy, t1);
        let _ = limiter.check_at(busy, t1);
        assert!(limiter.check_at(busy, t1).is_err());
        for i in 0..99u32 {
            let a = IpAddr::V4(std::net::Ipv4Addr::from(0x0b00_0000 + i));
            let _ = limiter.check_at(a, t1 + Duration::from_secs(120));
        }
        assert!(limiter.tracked() <= 100);
    }
}
