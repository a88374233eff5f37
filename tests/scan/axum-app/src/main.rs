use axum::{routing::post, Router};

fn app() -> Router {
    Router::new().route("/webhooks/github", post(github_hook))
}

async fn github_hook() {}

fn main() {
    let db = std::env::var("DATABASE_URL").unwrap();
    let key = std::env::var("OPENAI_API_KEY").unwrap();
    let _ = (db, key, app());
}
