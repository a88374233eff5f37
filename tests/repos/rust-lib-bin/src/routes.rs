//! The API routes.

use axum::{routing::get, Router};

use crate::{handlers, AppState};

/// Routes mounted under /api.
pub fn api() -> Router<AppState> {
    Router::new().route("/invoices", get(handlers::list_invoices))
}
