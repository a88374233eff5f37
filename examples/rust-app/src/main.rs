//! A small axum service used as the example app for `integrate`'s Rust kit.

use std::net::SocketAddr;
use std::path::Path;

use axum::{Json, Router, extract::State, routing::get};
use serde::{Deserialize, Serialize};

// integrate:mods

/// Settings read from `config/default.toml` (or the file named by `APP_CONFIG`).
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub app: AppSettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AppSettings {
    pub name: String,
    pub slow_request_ms: u64,
}

impl Settings {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        toml::from_str(&text).map_err(|err| format!("invalid {}: {err}", path.display()))
    }
}

#[derive(Clone)]
struct AppState {
    name: String,
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    name: String,
}

async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        name: state.name,
    })
}

async fn index() -> &'static str {
    "rust-app is running\n"
}

fn app(settings: &Settings) -> Router {
    let state = AppState {
        name: settings.app.name.clone(),
    };
    Router::new()
        .route("/", get(index))
        .route("/health", get(health))
        // integrate:routes
        .with_state(state)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config_path =
        std::env::var("APP_CONFIG").unwrap_or_else(|_| "config/default.toml".to_string());
    let settings = Settings::load(Path::new(&config_path))?;
    let addr: SocketAddr = format!("{}:{}", settings.server.host, settings.server.port).parse()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on http://{addr}");
    axum::serve(listener, app(&settings))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    fn settings() -> Settings {
        Settings::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/default.toml"))
            .expect("config/default.toml loads")
    }

    #[test]
    fn default_config_loads() {
        let settings = settings();
        assert_eq!(settings.server.port, 3000);
        assert_eq!(settings.app.name, "rust-app");
    }

    #[tokio::test]
    async fn health_reports_ok() {
        let response = app(&settings())
            .oneshot(Request::get("/health").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = to_bytes(response.into_body(), 1024).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["status"], "ok");
        assert_eq!(json["name"], "rust-app");
    }

    #[tokio::test]
    async fn unknown_route_is_404() {
        let response = app(&settings())
            .oneshot(Request::get("/nope").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}
