//! Webhook routes, each style where it is declared: Django `path()`/`re_path()`, Rails
//! routes (inside `namespace`/`scope` blocks too), Next.js route handlers (the path is the
//! file's place under `app/` or `pages/api/`), Express routers, axum `.route(...)`.
//! Pure: path and text in, `(line, route)` out; lines are 1-based.

/// Route-declaring calls of Django, Express-style routers and axum looked at on one line.
/// Webhooks arrive as POST, so plain GET routes are not looked at.
const CALLS: &[&str] = &[
    "path(", "re_path(", "url(", "route(", ".post(", ".all(", ".use(", "post ", "post(", "match ",
    "mount ",
];

/// `(line, route)` of every webhook route in the file at `path` with `text`.
pub fn webhook_routes(path: &str, text: &str) -> Vec<(usize, String)> {
    if let Some(route) = next_route(path) {
        let line = text
            .lines()
            .position(|l| {
                let t = l.trim_start();
                (t.starts_with("export") && t.contains("POST")) || t.contains("function handler")
            })
            .map_or(1, |i| i + 1);
        return vec![(line, route)];
    }
    if path.ends_with("config/routes.rb") || path.contains("config/routes/") {
        return rails_routes(text);
    }
    let in_webhook_file = path.to_ascii_lowercase().contains("webhook");
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        let trimmed = lower.trim_start();
        if trimmed.starts_with('#') || trimmed.starts_with("//") || trimmed.starts_with("import ") {
            continue;
        }
        if !CALLS.iter().any(|c| lower.contains(c)) {
            continue;
        }
        // In a file about webhooks (an Express router mounted under /webhooks, say) every
        // POST route counts; elsewhere the path must name webhooks itself.
        let wanted = |s: &str| {
            let l = s.to_ascii_lowercase();
            s.contains('/')
                && !s.contains([' ', '.'])
                && (l.contains("webhook") || (in_webhook_file && lower.contains(".post(")))
        };
        if let Some(route) = line
            .split(['"', '\'', '`'])
            .skip(1)
            .step_by(2)
            .find(|s| wanted(s))
        {
            out.push((index + 1, route.to_string()));
        }
    }
    out
}

/// The route of a Next.js route handler at `path` whose URL names webhooks:
/// `app/api/webhooks/stripe/route.ts` → `/api/webhooks/stripe` (route groups `(x)` left
/// out), `pages/api/webhooks/stripe.ts` → `/api/webhooks/stripe`.
pub fn next_route(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    let file = *parts.last()?;
    let (stem, ext) = file.rsplit_once('.')?;
    if !matches!(ext, "ts" | "js" | "tsx" | "jsx" | "mjs") {
        return None;
    }
    let route_parts: Vec<&str> = if stem == "route" {
        let app = parts.iter().rposition(|p| *p == "app")?;
        parts[app + 1..parts.len() - 1].to_vec()
    } else {
        let pages = parts.iter().rposition(|p| *p == "pages")?;
        if parts.get(pages + 1) != Some(&"api") {
            return None;
        }
        let mut v = parts[pages + 1..parts.len() - 1].to_vec();
        if stem != "index" {
            v.push(stem);
        }
        v
    };
    let segments: Vec<&str> = route_parts
        .into_iter()
        .filter(|p| !(p.starts_with('@') || (p.starts_with('(') && p.ends_with(')'))))
        .collect();
    let route = format!("/{}", segments.join("/"));
    route
        .to_ascii_lowercase()
        .contains("webhook")
        .then_some(route)
}

/// `(line, route)` of each webhook route in a Rails routes file, with the paths of the
/// `namespace`/`scope` blocks it sits in.
pub fn rails_routes(text: &str) -> Vec<(usize, String)> {
    // One entry per open `do` block: the path segment it adds ("" for none).
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let opens = line.ends_with(" do") || line.contains(" do |") || line.ends_with("do");
        let word = line.split([' ', '(']).next().unwrap_or_default();
        if line == "end" || line.starts_with("end ") || line == "end)" {
            stack.pop();
            continue;
        }
        let first = first_arg(line);
        let segment = match word {
            "namespace" => first.clone().unwrap_or_default(),
            "scope" => keyword(line, "path:")
                .or_else(|| first.clone().filter(|_| !line.starts_with("scope module:")))
                .unwrap_or_default(),
            _ => String::new(),
        };
        let prefix: Vec<&str> = stack
            .iter()
            .map(|s| s.trim_matches('/'))
            .filter(|s| !s.is_empty())
            .collect();
        let route_of = |tail: &str| {
            let mut parts = prefix.clone();
            let tail = tail.trim_matches('/');
            if !tail.is_empty() {
                parts.push(tail);
            }
            format!("/{}", parts.join("/"))
        };
        let declared = match word {
            "post" | "match" | "put" | "patch" => first.as_deref().map(|f| {
                // `post "stripe" => "webhooks#stripe"` and `post "stripe", to: ...` alike.
                route_of(f.split("=>").next().unwrap_or(f).trim())
            }),
            "resources" | "resource" => first.as_deref().map(route_of),
            "mount" => keyword(line, "at:")
                .or_else(|| {
                    line.split("=>")
                        .nth(1)
                        .and_then(|r| quoted_or_symbol(r.trim()))
                })
                .map(|at| route_of(&at)),
            _ => None,
        };
        if let Some(route) = declared {
            if route.to_ascii_lowercase().contains("webhook") {
                out.push((index + 1, route));
            }
        }
        if opens {
            stack.push(segment);
        }
    }
    out
}

/// The first argument of a Rails routing call: a string or a symbol.
fn first_arg(line: &str) -> Option<String> {
    let rest = line.split_once([' ', '('])?.1.trim_start();
    quoted_or_symbol(rest)
}

/// A leading `"x"`, `'x'` or `:x`.
fn quoted_or_symbol(text: &str) -> Option<String> {
    if let Some(symbol) = text.strip_prefix(':') {
        let end = symbol
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(symbol.len());
        return (end > 0).then(|| symbol[..end].to_string());
    }
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    text[1..].split(quote).next().map(str::to_string)
}

/// The value of `key` (`path:`, `at:`) in a Rails call.
fn keyword(line: &str, key: &str) -> Option<String> {
    let at = line.find(key)?;
    quoted_or_symbol(line[at + key.len()..].trim_start())
}

/// Whether a lowercase line names service `id` as a word (`stripe`, `stripe_connect`,
/// `stripeconnect`).
pub fn names_service(lower: &str, id: &str) -> bool {
    let forms = [id.to_string(), id.replace('-', "_"), id.replace('-', "")];
    forms.iter().any(|form| {
        lower.match_indices(form.as_str()).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + form.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_and_express_and_axum_lines() {
        let routes = webhook_routes(
            "shop/urls.py",
            "urlpatterns = [\n    path(\"webhooks/stripe/\", views.hook),\n    # path(\"webhooks/old/\")\n]\n",
        );
        assert_eq!(routes, [(2, "webhooks/stripe/".to_string())]);
        let express = webhook_routes(
            "src/routes/webhooks.ts",
            "const router = Router();\nrouter.post('/stripe', handler);\nrouter.get('/health', h);\n",
        );
        assert_eq!(express, [(2, "/stripe".to_string())]);
        let axum = webhook_routes(
            "src/routes.rs",
            "Router::new()\n    .route(\"/webhooks/github\", post(github::hook))\n",
        );
        assert_eq!(axum, [(2, "/webhooks/github".to_string())]);
        assert!(names_service("path(\"webhooks/stripe/\"", "stripe"));
        assert!(!names_service("path(\"webhooks/stripes/\"", "stripe"));
    }

    #[test]
    fn next_route_handlers_by_their_place() {
        assert_eq!(
            next_route("app/api/webhooks/stripe/route.ts").as_deref(),
            Some("/api/webhooks/stripe")
        );
        assert_eq!(
            next_route("src/app/(billing)/api/webhooks/route.ts").as_deref(),
            Some("/api/webhooks")
        );
        assert_eq!(
            next_route("pages/api/webhooks/clerk.ts").as_deref(),
            Some("/api/webhooks/clerk")
        );
        assert_eq!(next_route("app/api/users/route.ts"), None);
        assert_eq!(next_route("src/webhooks/route.ts"), None);
    }

    #[test]
    fn rails_routes_inside_namespaces() {
        let text = "Rails.application.routes.draw do\n  namespace :webhooks do\n    post :stripe, to: \"stripe#create\"\n    resources :intercom, only: [:create]\n  end\n  scope path: \"/hooks\" do\n    post \"webhook/github\" => \"github#create\"\n  end\n  post \"/stripe_webhooks\", to: \"x#y\"\n  mount StripeEvent::Engine, at: \"/payments/webhook\"\n  get \"/webhooks/status\", to: \"s#s\"\nend\n";
        assert_eq!(
            rails_routes(text),
            [
                (3, "/webhooks/stripe".to_string()),
                (4, "/webhooks/intercom".to_string()),
                (7, "/hooks/webhook/github".to_string()),
                (9, "/stripe_webhooks".to_string()),
                (10, "/payments/webhook".to_string()),
            ]
        );
    }
}
