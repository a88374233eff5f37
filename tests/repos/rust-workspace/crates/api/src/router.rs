//! The shop's Router.

use axum::http::StatusCode;
use axum::{routing::get, Json, Router};
use serde::Serialize;

#[derive(Serialize)]
struct Product {
    sku: &'static str,
}

async fn products() -> Json<Vec<Product>> {
    Json(vec![Product { sku: "tea-01" }])
}

/// Every route of the shop.
pub fn router() -> Router {
    Router::new()
        .route("/products", get(products))
        .fallback(|| async { StatusCode::NOT_FOUND })
}
