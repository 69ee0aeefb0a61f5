//! The accept loop: HTTP/1.1 through hyper with the [`ServerLimits`] that `axum::serve` lacks —
//! a header-read timeout (which also closes idle keep-alive connections), a connection limit
//! (a connection above it is closed at once), the client address for the rate limits, and a
//! graceful shutdown that lets requests in flight finish.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::{AppState, ServerLimits, router};

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    limits: ServerLimits,
) -> std::io::Result<()> {
    serve_until(listener, state, limits, shutdown_signal()).await
}

/// Serves until `shutdown` completes, then stops accepting, lets open requests finish (within
/// the request timeout) and returns.
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let app = router(state, &limits);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    let mut refused: u64 = 0;
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            drop(stream);
            refused += 1;
            // Logged at 1, 2, 4, 8, … refusals: a flood does not flood the log.
            if refused.is_power_of_two() {
                tracing::warn!(
                    limit = limits.max_connections,
                    refused,
                    "connection limit reached; connections closed at once"
                );
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            app.clone().oneshot(req)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // Timeouts and clients that go away end here as errors; nothing to do about them.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    let grace = limits.request_timeout + Duration::from_secs(1);
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("shutdown: connections still open after {grace:?}; closing them");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
