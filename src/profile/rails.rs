//! Rails: the test framework (RSpec or minitest) and its helper, the routes file and its
//! draw block, whether WebMock (and REXML, which WebMock's XML parsing needs on Ruby 3
//! under Bundler) is in the bundle, the Rails version and the env example file.

use std::path::Path;

use super::{is_dir, is_file, read, Profile};
use crate::editors::routes;
use crate::error::{Error, Result};

/// Env example files, in the order one is preferred when several exist.
const ENV_FILES: &[&str] = &[
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    ".env.development.example",
    ".env.development.sample",
    "env.example",
    "example.env",
];

/// The oldest Rails the kit serves: Zeitwerk-era autoloading and `config.x`.
const OLDEST: (u32, u32) = (6, 0);

/// The Gemfile and its lock, as read.
struct Bundle {
    gemfile: String,
    lock: Option<String>,
}

impl Bundle {
    /// Whether the Gemfile declares `name` (outside comments).
    fn declares(&self, name: &str) -> bool {
        self.gemfile
            .lines()
            .any(|line| crate::editors::env::Syntax::Gemfile.key(line).as_deref() == Some(name))
    }

    /// The version of `name` the lock resolved (`    rails (6.1.7)`) and its 1-based line.
    fn locked(&self, name: &str) -> Option<(String, usize)> {
        let prefix = format!("    {name} (");
        self.lock
            .as_deref()?
            .lines()
            .enumerate()
            .find_map(|(i, line)| {
                let rest = line.strip_prefix(&prefix)?;
                Some((rest.trim_end_matches(')').to_string(), i + 1))
            })
    }

    /// Where `name` comes from: the Gemfile, else the lock (as a dependency of another gem).
    fn has(&self, name: &str) -> Option<&'static str> {
        if self.declares(name) {
            Some("Gemfile")
        } else if self.locked(name).is_some() {
            Some("Gemfile.lock")
        } else {
            None
        }
    }
}

/// Detects a Rails app's profile.
pub fn detect(root: &Path) -> Result<Profile> {
    let mut profile = Profile::default();
    let bundle = Bundle {
        gemfile: read(root, "Gemfile").unwrap_or_default(),
        lock: read(root, "Gemfile.lock"),
    };

    if let Some((version, line)) = bundle.locked("railties").or_else(|| bundle.locked("rails")) {
        let (major, minor) = major_minor(&version);
        if (major, minor) < OLDEST {
            return Err(Error::Invalid {
                path: "Gemfile.lock".into(),
                message: format!(
                    "line {line}: Rails {version}; the rails kit generates code for Rails {}.{} or newer (Zeitwerk autoloading); upgrade Rails first, or pass --kit with a kit of your own",
                    OLDEST.0, OLDEST.1
                ),
            });
        }
        profile.saw(format!("Rails {version} (Gemfile.lock)"));
        profile.fact("rails_version", version);
    }

    let routes_file = "config/routes.rb";
    match read(root, routes_file) {
        Some(text) => {
            let found = routes::scan(&text);
            let draw = found
                .draws
                .iter()
                .find(|d| d.end.is_some_and(|e| e > d.open))
                .ok_or_else(|| Error::Invalid {
                    path: routes_file.into(),
                    message: "has no `routes.draw do ... end` block with its `end` on a line of its own; write the draw block over several lines, then run `integrate init` again".into(),
                })?;
            let catch_all = found.routes.iter().find(|r| r.path.contains('*'));
            profile.saw(match catch_all {
                Some(route) => format!(
                    "routes file {routes_file} (draw block at line {}; webhook routes go above the catch-all at line {})",
                    draw.open + 1,
                    route.line
                ),
                None => format!(
                    "routes file {routes_file} (draw block at line {}; webhook routes go at its end)",
                    draw.open + 1
                ),
            });
            profile.path("routes_file", routes_file);
        }
        None => profile.saw(format!(
            "no {routes_file}: webhook routes go to the kit's routes_file"
        )),
    }

    let spec_helper = ["rails_helper", "spec_helper"]
        .into_iter()
        .find(|h| is_file(root, &format!("spec/{h}.rb")));
    let rspec_gem = bundle.has("rspec-rails");
    let rspec = spec_helper.is_some() || rspec_gem.is_some();
    if rspec {
        let helper = spec_helper.ok_or_else(|| Error::Invalid {
            path: rspec_gem.unwrap_or("Gemfile").into(),
            message: "lists rspec-rails, but there is no spec/rails_helper.rb or spec/spec_helper.rb; run `bin/rails generate rspec:install`, then `integrate init` again".into(),
        })?;
        let why = match rspec_gem {
            Some(file) => format!("rspec-rails in {file}, spec/{helper}.rb"),
            None => format!("spec/{helper}.rb"),
        };
        profile.saw(format!("tests run with RSpec ({why}); specs go to spec/"));
        profile.fact("test_runner", "rspec");
        profile.fact("spec_helper", helper);
        profile.path("test_dir", "spec");
    } else {
        let why = if is_dir(root, "test") {
            "test/"
        } else {
            "no spec/ or rspec-rails"
        };
        profile.saw(format!("tests run with minitest ({why})"));
        profile.fact("test_runner", "minitest");
        profile.path("test_dir", "test");
    }

    match bundle.has("webmock") {
        Some(file) => {
            profile.saw(format!("WebMock in {file}"));
            profile.fact("webmock", "yes");
        }
        None => {
            profile.saw("no WebMock in Gemfile or Gemfile.lock: `new` adds `gem \"webmock\"` to the Gemfile's test group (run `bundle install` after it)");
            profile.fact("webmock", "no");
        }
    }
    profile.fact(
        "rexml",
        if bundle.has("rexml").is_some() {
            "yes"
        } else {
            "no"
        },
    );

    if let Some(env_file) = ENV_FILES.iter().find(|f| is_file(root, f)) {
        profile.saw(format!("env example file {env_file}"));
        profile.path("env_file", *env_file);
    }
    Ok(profile)
}

/// `6.1.7.10` → (6, 1); anything unreadable counts as new enough.
fn major_minor(version: &str) -> (u32, u32) {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor),
        (Some(major), None) => (major, 0),
        _ => (u32::MAX, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn fact<'p>(profile: &'p Profile, key: &str) -> Option<&'p str> {
        profile
            .facts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    const ROUTES: (&str, &str) = (
        "config/routes.rb",
        "Rails.application.routes.draw do\n  root \"home#index\"\nend\n",
    );

    #[test]
    fn rspec_from_the_helper_or_the_gem_else_minitest() {
        let dir = repo(&[
            ROUTES,
            ("Gemfile", "gem \"rails\"\n"),
            ("spec/rails_helper.rb", ""),
        ]);
        let profile = detect(dir.path()).unwrap();
        assert_eq!(fact(&profile, "test_runner"), Some("rspec"));
        assert_eq!(fact(&profile, "spec_helper"), Some("rails_helper"));
        let dir = repo(&[
            ROUTES,
            ("Gemfile", "gem \"rails\"\n"),
            ("test/test_helper.rb", ""),
        ]);
        let profile = detect(dir.path()).unwrap();
        assert_eq!(fact(&profile, "test_runner"), Some("minitest"));
        assert!(profile.paths.contains(&("test_dir".into(), "test".into())));
        let dir = repo(&[
            ROUTES,
            ("Gemfile", "group :test do\n  gem 'rspec-rails'\nend\n"),
        ]);
        let error = detect(dir.path()).unwrap_err().to_string();
        assert!(error.contains("rspec:install"), "{error}");
    }

    #[test]
    fn webmock_and_rails_version_come_from_the_bundle() {
        let lock = "GEM\n  specs:\n    rails (6.1.7.10)\n      railties (= 6.1.7.10)\n    railties (6.1.7.10)\n    webmock (3.18.1)\n";
        let dir = repo(&[ROUTES, ("Gemfile", "gem 'rails'\n"), ("Gemfile.lock", lock)]);
        let profile = detect(dir.path()).unwrap();
        assert_eq!(fact(&profile, "rails_version"), Some("6.1.7.10"));
        assert_eq!(fact(&profile, "webmock"), Some("yes"));
        assert_eq!(fact(&profile, "rexml"), Some("no"));
        let dir = repo(&[ROUTES, ("Gemfile", "# gem 'webmock'\n")]);
        assert_eq!(fact(&detect(dir.path()).unwrap(), "webmock"), Some("no"));
        let old = "GEM\n  specs:\n    railties (5.2.4.2)\n";
        let dir = repo(&[ROUTES, ("Gemfile", ""), ("Gemfile.lock", old)]);
        let error = detect(dir.path()).unwrap_err().to_string();
        assert!(
            error.starts_with("Gemfile.lock: line 3: Rails 5.2.4.2"),
            "{error}"
        );
    }

    #[test]
    fn the_env_file_and_the_catch_all_are_shown() {
        let routes = "Rails.application.routes.draw do\n  get \"a\", to: \"a#b\"\n  match \"*path\", to: \"errors#show\", via: :all\nend\n";
        let dir = repo(&[
            ("config/routes.rb", routes),
            ("Gemfile", ""),
            (".env.sample", "A=1\n"),
        ]);
        let profile = detect(dir.path()).unwrap();
        assert!(profile
            .paths
            .contains(&("env_file".into(), ".env.sample".into())));
        assert!(
            profile
                .evidence
                .iter()
                .any(|e| e.contains("above the catch-all at line 3")),
            "{:?}",
            profile.evidence
        );
        let dir = repo(&[("config/routes.rb", "draw_routes\n"), ("Gemfile", "")]);
        assert!(detect(dir.path())
            .unwrap_err()
            .to_string()
            .starts_with("config/routes.rb: has no `routes.draw do ... end` block"));
    }
}
