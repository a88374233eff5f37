//! Handlers and middleware.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;

use crate::AppState;

/// Every invoice (none yet), in the app's currency.
pub async fn list_invoices(State(state): State<AppState>) -> Json<Vec<String>> {
    let _ = state.currency;
    Json(Vec::new())
}

/// Adds an `x-request-id` header to every response.
pub async fn request_id(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        "x-request-id",
        axum::http::HeaderValue::from_static("local"),
    );
    response
}
