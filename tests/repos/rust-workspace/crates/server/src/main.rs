#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000")
        .await
        .expect("port 3000 is free");
    axum::serve(listener, shop_api::router::router())
        .await
        .expect("server runs");
}
