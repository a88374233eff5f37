//! A small todo service: the Router is built in main.rs, the crate has no library.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

mod store;

use store::{Store, Todo};

async fn list(State(store): State<Store>) -> Json<Vec<Todo>> {
    Json(store.all())
}

fn app(store: Store) -> Router {
    let api = Router::new().route("/todos", get(list));
    Router::new()
        .nest("/api", api)
        .route("/health", get(|| async { "ok" }))
        .with_state(store)
}

#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000")
        .await
        .expect("port 3000 is free");
    axum::serve(listener, app(Store::default()))
        .await
        .expect("server runs");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_starts_empty() {
        let _ = app(Store::default());
        assert!(Store::default().all().is_empty());
    }
}
