//! Property tests for the editors and service names: no panic on any input, applying an
//! edit twice equals applying it once, and bytes outside the edit stay as they were.

use integrate::editors::block::{self, Block, MarkerMissing};
use integrate::editors::env::Syntax;
use integrate::editors::{env, json, routes, rust as rust_editor, toml as toml_editor};
use integrate::names::{reserved_words, ServiceName, MAX_LEN};
use proptest::prelude::*;

/// Text built from pieces that matter to the editors: line endings of every kind, BOMs,
/// `=`, comments, markers, fences, TOML punctuation, non-ASCII.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n"),
        Just("\r\n"),
        Just("\r"),
        Just("\u{feff}"),
        Just("A=1"),
        Just("ACME_API_KEY"),
        Just("="),
        Just("export "),
        Just("# "),
        Just(" "),
        Just("\t"),
        Just("x"),
        Just("é"),
        Just("integrate:routes"),
        Just("# >>> integrate acme route"),
        Just("# <<< integrate acme route"),
        Just("["),
        Just("]"),
        Just("\""),
        Just("key = 1"),
        Just("[server]"),
        Just("{"),
        Just("}"),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

/// Whole lines (each ending in LF or CRLF) without markers, fences or BOM.
fn plain_lines() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("x = 1"),
        Just(""),
        Just("    route(\"/health\", health),"),
        Just("\t# comment é"),
        Just("]"),
        Just("A=1\r"),
    ];
    prop::collection::vec((line, any::<bool>()), 0..8).prop_map(|lines| {
        lines
            .into_iter()
            .map(|(l, crlf)| format!("{l}{}", if crlf { "\r\n" } else { "\n" }))
            .collect()
    })
}

/// A Rails routes file: a draw block (of either spelling) holding route lines, scopes,
/// catch-alls, comments, blank lines and code, with LF or CRLF endings, maybe without a
/// final newline, maybe with text before and after the draw block.
fn routes_file() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("  resources :orders, only: %i[index show]"),
        Just("  namespace :api do"),
        Just("  scope \"(:locale)\" do"),
        Just("  end"),
        Just("  post \"/webhooks/github\", to: \"github#create\""),
        Just("  get \"*path\", to: \"pages#missing\""),
        Just("  match '*any', via: [:get, :post], to: 'errors#show'"),
        Just("  # Keep this last."),
        Just("  root to: \"home#index\""),
        Just("  mount Sidekiq::Web => \"/sidekiq\""),
        Just(""),
        Just("  x = <<~EOS"),
        Just("  EOS"),
        Just("\t\"é\" # do"),
    ];
    (
        prop::sample::select(vec![
            "Rails.application.routes.draw do",
            "App::Application.routes.draw do",
        ]),
        prop::collection::vec(line, 0..10),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec!["", "# routes\n", "require \"x\"\n\n"]),
    )
        .prop_map(|(open, lines, crlf, final_newline, before)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("{before}{open}{eol}");
            for line in lines {
                text.push_str(line);
                text.push_str(eol);
            }
            text.push_str("end");
            if final_newline {
                text.push_str(eol);
            }
            text
        })
}

/// An env fragment as a kit renders it: comment lines and `KEY=value` lines.
fn env_fragment() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("# Acme".to_string()),
        Just(String::new()),
        "[A-Z][A-Z0-9_]{0,6}=[a-z:/.-]{0,8}".prop_map(|s| s),
    ];
    prop::collection::vec(line, 0..6).prop_map(|lines| {
        let mut text = lines.join("\n");
        text.push('\n');
        text
    })
}

/// A block body: code lines without fences of the block's own key.
fn block_body() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("path(\"webhooks/acme\", views.acme),".to_string()),
        Just(String::new()),
        Just("    nested = 1".to_string()),
        Just("# integrate:routes".to_string()),
        Just("é = \"\\r\"".to_string()),
        "[a-z(){}.,= ]{0,12}".prop_map(|s| s),
    ];
    prop::collection::vec(line, 1..5).prop_map(|lines| lines.join("\n") + "\n")
}

/// A TOML document built from valid lines, with LF or CRLF, optional BOM and optional
/// final newline. Duplicate keys make some invalid; the editor must then refuse them.
fn toml_doc() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("# settings kept by hand"),
        Just(""),
        Just("name = \"app\""),
        Just("port = 8080   # the port"),
        Just("[server]"),
        Just("[dependencies]"),
        Just("axum = \"0.8\""),
        Just("zlib = \"1\""),
        Just("list = [1, 2]"),
        Just("dev = { a = 1 }"),
        Just("[project]"),
        Just("dependencies = [\n    \"django>=5.2\",  # web\n]"),
        Just("[tool.x]"),
        Just("flag = true"),
    ];
    (
        prop::collection::vec(line, 0..10),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, bom, final_newline)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = lines.join("\n").replace('\n', eol);
            if final_newline && !text.is_empty() {
                text.push_str(eol);
            }
            if bom {
                text.insert(0, '\u{feff}');
            }
            text
        })
}

fn toml_fragment() -> impl Strategy<Value = String> {
    (
        "[a-z][a-z0-9_]{0,8}",
        prop::sample::select(vec![
            "",
            "[dependencies]\nrequests = \"2\"\n",
            "[project]\ndependencies = [\"requests>=2.31\"]\n",
            "[server]\ntimeout = 30\n",
        ]),
    )
        .prop_map(|(service, extra)| {
            format!(
                "[integrations.{service}]\nbase_url = \"https://api.example.com\"\ntimeout_secs = 30\n\n{extra}"
            )
        })
}

fn block<'a>(body: &'a str, marker: Option<&'a str>, end: bool) -> Block<'a> {
    Block {
        key: "acme route",
        comment: "#",
        body,
        marker,
        marker_missing: if end {
            MarkerMissing::End
        } else {
            MarkerMissing::Error
        },
        before: None,
    }
}

fn requirements_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("Django>=4.2".to_string()),
            Just("requests==2.19.1".to_string()),
            Just("# pinned".to_string()),
            Just("-r base.txt".to_string()),
            Just(String::new()),
            "[a-zA-Z][a-zA-Z0-9._-]{0,8}(==1\\.0)?",
        ],
        0..6,
    )
    .prop_map(|lines| lines.iter().map(|l| format!("{l}\n")).collect())
}

fn requirements_fragment() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-z][a-z0-9_-]{0,6}(>=2\\.31)?", 1..4)
        .prop_map(|lines| lines.iter().map(|l| format!("{l}\n")).collect())
}

/// `once` minus what the edit appended equals `original`, up to the line ending the edit
/// gave a last line that had none.
/// A package.json-like object: some sections (sorted or not, maybe empty, maybe absent),
/// in 2-space, 4-space, tab or one-line layout, with LF or CRLF and maybe a final newline.
fn package_json() -> impl Strategy<Value = String> {
    let entries =
        prop::collection::btree_map("[a-z@][a-z0-9/._-]{0,6}", "[~^]?[0-9]\\.[0-9]", 0..5);
    let section = (entries, any::<bool>());
    (
        prop::collection::vec(
            (
                prop::sample::select(vec!["dependencies", "devDependencies", "scripts"]),
                section,
            ),
            0..3,
        ),
        prop::sample::select(vec!["  ", "    ", "\t", ""]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(sections, indent, crlf, final_newline)| {
            let (nl, inner) = if indent.is_empty() {
                ("", String::new())
            } else {
                ("\n", format!("{indent}{indent}"))
            };
            let sep = if indent.is_empty() { " " } else { "" };
            let mut seen = Vec::new();
            let mut members = vec![format!("{nl}{indent}\"name\": \"app\"")];
            for (name, (entries, reversed)) in sections {
                if seen.contains(&name) {
                    continue;
                }
                seen.push(name);
                let mut list: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{nl}{inner}{sep}\"{k}\": \"{v}\""))
                    .collect();
                if reversed {
                    list.reverse();
                }
                let body = if list.is_empty() {
                    String::new()
                } else {
                    format!("{}{nl}{indent}", list.join(","))
                };
                members.push(format!("{nl}{indent}{sep}\"{name}\": {{{body}}}"));
            }
            let mut text = format!("{{{}{nl}}}", members.join(","));
            if final_newline {
                text.push('\n');
            }
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            text
        })
}

fn json_fragment() -> impl Strategy<Value = String> {
    prop::collection::btree_map(
        prop::sample::select(vec!["dependencies", "devDependencies"]),
        prop::collection::btree_map("[a-z@][a-z0-9/._-]{0,6}", "[~^]?[0-9]\\.[0-9]", 1..3),
        1..3,
    )
    .prop_map(|sections| serde_json::to_string(&sections).unwrap())
}

fn keeps_prefix(original: &str, once: &str) -> bool {
    once.starts_with(original)
}

/// Rust-like text: router chains, functions, modules, comments, literals, attributes.
fn rust_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n"),
        Just("\r\n"),
        Just("\u{feff}"),
        Just(" "),
        Just("    "),
        Just("Router::new()"),
        Just("axum::Router::<S>::new()"),
        Just(".route(\"/\", get(h))"),
        Just(".with_state(s)"),
        Just(".layer(l)"),
        Just(".nest(\"/a\", api())"),
        Just(".merge(x)"),
        Just("fn app() -> Router {"),
        Just("}"),
        Just("{"),
        Just(";"),
        Just("("),
        Just(")"),
        Just("// c"),
        Just("/* c */"),
        Just("\""),
        Just("'a'"),
        Just("'"),
        Just("r#\""),
        Just("\"#"),
        Just("#[cfg(test)]"),
        Just("mod a;"),
        Just("pub mod z;"),
        Just("use x;"),
        Just("let app = "),
        Just("é"),
        Just("#![allow(x)]"),
        Just("//! doc"),
        Just("integrate:routes"),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|p| p.concat())
}

/// A function building a Router the way rustfmt lays out long chains, one call a line.
fn vertical_router() -> impl Strategy<Value = String> {
    let call = prop_oneof![
        Just(".route(\"/a\", get(a))"),
        Just(".nest(\"/api\", api())"),
        Just(".layer(TraceLayer::new_for_http())"),
        Just(".route_layer(auth)"),
        Just(".with_state(state)"),
        Just(".fallback(missing)"),
        Just("// a comment"),
    ];
    (prop::collection::vec(call, 1..6), any::<bool>(), any::<bool>()).prop_map(|(calls, tail, crlf)| {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut out = format!("use axum::Router;{eol}{eol}fn app(state: S) -> Router {{{eol}    let app = Router::new()");
        for call in calls {
            out.push_str(&format!("{eol}        {call}"));
        }
        if tail {
            out.push_str(&format!(";{eol}    app{eol}}}{eol}"));
        } else {
            out.push_str(&format!(";{eol}    app{eol}}}"));
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn rust_editors_never_panic(original in any::<String>(), rusty in rust_text()) {
        for text in [&original, &rusty] {
            let _ = rust_editor::mask(text);
            let _ = rust_editor::wire(text, ".merge(crate::integrations::routes())", Some("integrate:routes"));
            let _ = rust_editor::unwire(text, ".merge(crate::integrations::routes())");
            let _ = rust_editor::declare(text, "pub mod integrations;", Some("integrate:mods"));
            let _ = rust_editor::undeclare(text, "pub mod integrations;");
        }
    }

    #[test]
    fn rust_editors_are_idempotent_and_removable(original in rust_text(), public in any::<bool>()) {
        let mask = rust_editor::mask(&original);
        prop_assert_eq!(mask.len(), original.len());
        let decl = if public { "pub mod integrations;" } else { "mod integrations;" };
        let once = rust_editor::declare(&original, decl, None);
        prop_assert_eq!(&rust_editor::declare(&once, decl, None), &once);
        if !original.contains("integrations") {
            prop_assert_eq!(rust_editor::undeclare(&once, decl), original.clone());
        }
        let call = ".merge(crate::integrations::routes())";
        if let Ok(wired) = rust_editor::wire(&original, call, Some("integrate:routes")) {
            prop_assert_eq!(rust_editor::wire(&wired, call, Some("integrate:routes")), Ok(wired.clone()));
        }
    }

    #[test]
    fn a_router_call_goes_in_once_and_comes_out_exactly(original in vertical_router()) {
        let call = ".merge(crate::integrations::routes())";
        let wired = rust_editor::wire(&original, call, None).unwrap();
        prop_assert_eq!(wired.matches(call).count(), 1, "{}", wired);
        prop_assert_eq!(rust_editor::wire(&wired, call, None).unwrap(), wired.clone());
        prop_assert_eq!(rust_editor::unwire(&wired, call), original);
        // Nothing applies to the merged routes after them: no layer follows the call.
        let after = &wired[wired.find(call).unwrap()..];
        prop_assert!(!after.contains(".layer(") && !after.contains(".route_layer("), "{}", wired);
    }


    #[test]
    fn env_never_panics(original in any::<String>(), rendered in any::<String>()) {
        for syntax in [Syntax::Dotenv, Syntax::Requirements] {
            let once = env::upsert(syntax, &original, &rendered);
            let _ = env::remove(syntax, &once, &rendered, &[]);
        }
    }

    #[test]
    fn env_is_idempotent_and_keeps_every_byte(original in text(), rendered in env_fragment()) {
        let once = env::upsert(Syntax::Dotenv, &original, &rendered);
        prop_assert_eq!(&env::upsert(Syntax::Dotenv, &once, &rendered), &once);
        prop_assert!(keeps_prefix(&original, &once), "{:?} -> {:?}", original, once);
        let assigned: Vec<String> = once.trim_start_matches('\u{feff}').lines().filter_map(env::line_key).map(str::to_string).collect();
        for key in env::keys(Syntax::Dotenv, &rendered) {
            prop_assert!(assigned.contains(&key), "{} missing from {:?}", key, once);
        }
    }

    #[test]
    fn requirements_added_then_removed_give_back_the_file(original in requirements_text(), rendered in requirements_fragment()) {
        let syntax = Syntax::Requirements;
        let once = env::upsert(syntax, &original, &rendered);
        prop_assert_eq!(&env::upsert(syntax, &once, &rendered), &once);
        prop_assert!(keeps_prefix(&original, &once), "{:?} -> {:?}", original, once);
        let had = env::keys_of(syntax, original.lines()).into_iter().map(|k| k.into_owned()).collect::<Vec<_>>();
        let mut kept: Vec<String> = env::keys(syntax, &rendered).into_iter().filter(|k| had.contains(k)).collect();
        if env::reuses_blank_line(syntax, &original, &rendered) {
            kept.push(env::BLANK_LINE.to_string());
        }
        prop_assert_eq!(env::remove(syntax, &once, &rendered, &kept), original);
    }

    #[test]
    fn block_never_panics(original in any::<String>(), body in any::<String>(), marker in any::<Option<String>>(), end in any::<bool>()) {
        let b = block(&body, marker.as_deref(), end);
        if let Ok(once) = block::upsert(&original, &b) {
            let _ = block::upsert(&once, &b);
            let _ = block::remove(&once, &b);
        }
        let _ = block::remove(&original, &b);
    }

    #[test]
    fn block_is_idempotent_and_removable(original in text(), body in block_body(), use_marker in any::<bool>(), end in any::<bool>()) {
        let marker = use_marker.then_some("integrate:routes");
        let b = block(&body, marker, end);
        if let Ok(once) = block::upsert(&original, &b) {
            let twice = block::upsert(&once, &b);
            prop_assert_eq!(twice.as_ref(), Ok(&once), "{:?}", original);
            let removed = block::remove(&once, &b).unwrap();
            if !original.contains(">>> integrate acme route") {
                if original.is_empty() || original.ends_with('\n') || removed == original {
                    prop_assert_eq!(&removed, &original);
                } else {
                    // A last line without a line ending got one, so the block could follow it.
                    prop_assert!(removed.starts_with(&original), "{:?} -> {:?}", original, removed);
                    prop_assert!(matches!(&removed[original.len()..], "\n" | "\r\n"), "{:?}", removed);
                }
            }
        }
    }

    #[test]
    fn a_block_at_a_marker_changes_nothing_else(before in plain_lines(), after in plain_lines(), body in block_body()) {
        let original = format!("{before}    # integrate:routes\n{after}");
        let b = block(&body, Some("integrate:routes"), false);
        let once = block::upsert(&original, &b).unwrap();
        prop_assert!(once.starts_with(&before));
        let tail = format!("    # integrate:routes\n{after}");
        prop_assert!(once.ends_with(&tail));
        prop_assert_eq!(block::remove(&once, &b).unwrap(), original);
    }

    #[test]
    fn routes_never_panic(original in any::<String>(), body in any::<String>()) {
        let b = block(&body, None, false);
        if let Ok(once) = routes::upsert(&original, &b) {
            let _ = routes::upsert(&once, &b);
            let _ = routes::remove(&once, &b);
        }
        let _ = routes::scan(&original);
    }

    #[test]
    fn routes_go_inside_the_draw_block_are_idempotent_and_removable(original in routes_file(), service in prop::sample::select(vec!["acme", "github"])) {
        let body = format!("post \"/webhooks/{service}\", to: \"webhooks/{service}#create\"\n");
        let b = block(&body, None, false);
        match routes::upsert(&original, &b) {
            Ok(once) => {
                let twice = routes::upsert(&once, &b);
                prop_assert_eq!(twice.as_ref(), Ok(&once));
                prop_assert_eq!(routes::remove(&once, &b).unwrap(), original.clone());
                let found = routes::scan(&once);
                let new = found.routes.iter().find(|r| r.path == format!("webhooks/{service}")).expect("the new route is read back");
                let draw = &found.draws[new.draw];
                prop_assert!(draw.open < new.line - 1 && draw.end.is_some_and(|e| new.line - 1 < e));
                prop_assert!(new.within.is_empty(), "{:?}", once);
                // Reachable: no catch-all of the whole app in the draw block comes before it.
                let first_glob = found.routes.iter().filter(|r| r.path.starts_with('*') && r.draw == new.draw).map(|r| r.line).min();
                prop_assert!(first_glob.is_none_or(|g| new.line < g), "{:?}", once);
            }
            Err(error) => {
                let message = error.to_string();
                prop_assert!(message.contains("already routes /webhooks/github") || message.contains("no `routes.draw do ... end` block"), "{}", message);
            }
        }
    }

    #[test]
    fn toml_never_panics(original in any::<String>(), fragment in any::<String>()) {
        let _ = toml_editor::merge(&original, &fragment);
        let _ = toml_editor::unmerge(&original, &fragment);
    }

    #[test]
    fn toml_never_panics_on_near_toml(original in text(), fragment in toml_fragment()) {
        let _ = toml_editor::merge(&original, &fragment);
        let _ = toml_editor::unmerge(&original, &fragment);
    }

    #[test]
    fn toml_merge_is_idempotent(original in toml_doc(), fragment in toml_fragment()) {
        if let Ok(once) = toml_editor::merge(&original, &fragment) {
            prop_assert_eq!(toml_editor::merge(&once, &fragment), Ok(once.clone()));
            let parsed: Result<toml_edit::DocumentMut, _> = once.trim_start_matches('\u{feff}').parse();
            prop_assert!(parsed.is_ok(), "merge made invalid TOML: {:?}", once);
        }
    }

    #[test]
    fn toml_merge_keeps_the_original_bytes(original in toml_doc(), service in "[a-z][a-z0-9_]{0,8}") {
        prop_assume!(!original.contains("integrations"));
        let fragment = format!("[integrations.{service}]\nbase_url = \"https://x\"\n");
        if let Ok(once) = toml_editor::merge(&original, &fragment) {
            let eol = if original.contains("\r\n") { "\r\n" } else { "\n" };
            prop_assert!(
                once.starts_with(&original)
                    || once.starts_with(&format!("{original}{eol}")),
                "{:?} -> {:?}", original, once
            );
            let undone = toml_editor::unmerge(&once, &fragment).unwrap();
            prop_assert_eq!(undone.trim_end(), original.trim_end());
        }
    }

    #[test]
    fn names_never_panic(raw in any::<String>(), language in prop::sample::select(vec!["python", "ruby", "typescript", "rust", "other"])) {
        match ServiceName::parse(&raw, language) {
            Ok(name) => {
                let snake = &name.snake;
                prop_assert!(snake.len() <= MAX_LEN);
                prop_assert!(snake.starts_with(|c: char| c.is_ascii_lowercase()), "{}", snake);
                prop_assert!(snake.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "{}", snake);
                prop_assert!(name.pascal.chars().all(|c| c.is_ascii_alphanumeric()));
                prop_assert!(name.camel.chars().all(|c| c.is_ascii_alphanumeric()));
                prop_assert_eq!(&name.shouty, &snake.to_ascii_uppercase());
                prop_assert_eq!(&name.kebab, &name.name);
                let words = reserved_words(language);
                for ident in [&name.snake, &name.camel, &name.pascal] {
                    prop_assert!(!words.contains(&ident.as_str()), "{} is reserved", ident);
                }
                // Normalising is idempotent: every derived spelling names the same service.
                for spelling in [&name.name, &name.snake, &name.title] {
                    let again = ServiceName::parse(spelling, language);
                    prop_assert_eq!(again.as_ref(), Ok(&name), "{}", spelling);
                }
            }
            Err(error) => {
                let message = error.to_string();
                prop_assert!(!message.is_empty());
                prop_assert!(!message.chars().any(char::is_control), "{:?}", message);
            }
        }
    }

    #[test]
    fn names_from_words_are_accepted_or_refused_with_a_reason(words in prop::collection::vec("[A-Za-z][a-z0-9]{0,6}", 1..4), sep in prop::sample::select(vec![" ", "-", "_", "."])) {
        let raw = words.join(sep);
        match ServiceName::parse(&raw, "python") {
            Ok(name) => prop_assert_eq!(ServiceName::parse(&name.name, "python").unwrap(), name),
            Err(error) => {
                let message = error.to_string();
                prop_assert!(message.contains("reserved word") || message.contains("too long") || message.contains("must start with a letter"), "{}", message);
            }
        }
    }

    #[test]
    fn json_never_panics(original in any::<String>(), fragment in json_fragment()) {
        let _ = json::merge(&original, &fragment);
        let _ = json::unmerge(&original, &fragment, &[]);
    }

    #[test]
    fn json_added_then_removed_gives_back_the_file(original in package_json(), fragment in json_fragment()) {
        let merged = json::merge(&original, &fragment).unwrap();
        prop_assert_eq!(&json::merge(&merged, &fragment).unwrap(), &merged);
        let parsed: serde_json::Value = serde_json::from_str(&merged).unwrap();
        for leaf in json::leaves(&fragment) {
            let (section, name) = leaf.split_once('.').unwrap();
            prop_assert!(parsed[section].get(name).is_some(), "{} missing", leaf);
        }
        let kept = json::present(&original, &fragment);
        prop_assert_eq!(json::unmerge(&merged, &fragment, &kept).unwrap(), original);
    }
}
