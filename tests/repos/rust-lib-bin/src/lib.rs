//! Billing service: invoices over HTTP. The library builds the Router; main.rs serves it.

pub mod handlers;
pub mod routes;

use axum::{middleware, routing::get, Router};

/// State shared by the handlers.
#[derive(Clone, Default)]
pub struct AppState {
    /// Currency of every invoice.
    pub currency: String,
}

/// The app: the API under /api, a request id on every response.
pub fn app(state: AppState) -> Router {
    Router::new()
        .nest("/api", routes::api())
        .route("/health", get(|| async { "ok" }))
        .layer(middleware::from_fn(handlers::request_id))
        .with_state(state)
}
