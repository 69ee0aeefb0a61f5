//! What the web tests share: the real server on port 0 over a given store, with today fixed.
//! Each test file sets up its own agencies and tokens, then calls [`serve`].

#![allow(dead_code)] // each test binary uses its part

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Result;
use chrono::NaiveDate;
use gongkai_store::Store;
use gongkai_web::{AppState, Clock, FixedClock, ServerLimits};

/// The tests' today: Monday 2025-06-09, a working day.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 9).expect("a valid date")
}

/// A clock that always says [`today`].
pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock(today()))
}

/// Serves the whole application over `store` on 127.0.0.1:0 with `clock` and `limits`; the
/// base URL (`http://127.0.0.1:PORT`) and the address.
pub async fn serve(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    limits: ServerLimits,
) -> Result<(String, SocketAddr)> {
    let state = AppState::with_clock(store, clock);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { gongkai_web::serve(listener, state, limits).await });
    Ok((format!("http://{addr}"), addr))
}

/// Serves the application of `state` (its own clock, `behind_tls`) on 127.0.0.1:0; the base URL.
pub async fn serve_state(state: AppState, limits: ServerLimits) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { gongkai_web::serve(listener, state, limits).await });
    Ok(format!("http://{addr}"))
}
