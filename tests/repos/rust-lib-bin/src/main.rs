use billing_service::{app, AppState};

#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080")
        .await
        .expect("port 8080 is free");
    axum::serve(listener, app(AppState::default()))
        .await
        .expect("server runs");
}
