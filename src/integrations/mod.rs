//! Third-party integrations: one module per service, and the provider factory.
//!
//! `integrate new <service>` adds a module below, declares it at the modules marker
//! line and registers it in `registrations()` at the providers marker line.
//! Look a provider up by name with [`create`], or by category with [`for_category`]
//! (the `<CATEGORY>_PROVIDER` environment variable picks one when several are
//! registered for a category, e.g. `PAYMENTS_PROVIDER=stripe`).

// Generated integrations expose more API than a given app uses.
#![allow(dead_code)]

use std::any::Any;
use std::fmt;

// integrate:modules

/// What every integration client exposes to the rest of the app.
pub trait Provider: Send + Sync + fmt::Debug {
    /// Canonical service id, e.g. `stripe`.
    fn name(&self) -> &'static str;
    /// Human-readable name, e.g. `Stripe`.
    fn display_name(&self) -> &'static str;
    /// Category, e.g. `payments`.
    fn category(&self) -> &'static str;
    /// Base URL the client talks to.
    fn base_url(&self) -> &str;
    /// For downcasting to the concrete client: `provider.as_any().downcast_ref::<stripe::Client>()`.
    fn as_any(&self) -> &dyn Any;
}

/// One registered integration: its names and how to build its client from the environment.
#[derive(Clone, Copy)]
pub struct Registration {
    pub name: &'static str,
    pub display_name: &'static str,
    pub category: &'static str,
    pub build: fn() -> Result<Box<dyn Provider>, String>,
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("name", &self.name)
            .field("display_name", &self.display_name)
            .field("category", &self.category)
            .finish()
    }
}

/// Every integration registered in this app.
pub fn registrations() -> Vec<Registration> {
    vec![
        // integrate:providers
    ]
}

/// Why the factory could not hand out a provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactoryError {
    /// No integration of that name is registered.
    Unknown {
        name: String,
        known: Vec<&'static str>,
    },
    /// No integration is registered for the category.
    NoneForCategory { category: String },
    /// Several integrations serve the category and the env var does not pick one.
    Ambiguous {
        category: String,
        env_var: String,
        candidates: Vec<&'static str>,
    },
    /// The integration is registered but its client could not be built (e.g. a missing env var).
    Build { name: &'static str, message: String },
}

impl fmt::Display for FactoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactoryError::Unknown { name, known } => {
                write!(
                    f,
                    "unknown integration `{name}` (registered: {})",
                    known.join(", ")
                )
            }
            FactoryError::NoneForCategory { category } => {
                write!(f, "no integration registered for category `{category}`")
            }
            FactoryError::Ambiguous {
                category,
                env_var,
                candidates,
            } => write!(
                f,
                "several integrations serve `{category}` ({}): set {env_var} to one of them",
                candidates.join(", ")
            ),
            FactoryError::Build { name, message } => {
                write!(f, "cannot build the `{name}` integration: {message}")
            }
        }
    }
}

impl std::error::Error for FactoryError {}

/// The registration of `name`, if any.
pub fn registration(name: &str) -> Option<Registration> {
    registrations().into_iter().find(|r| r.name == name)
}

/// Builds the client of the integration called `name` from the environment.
pub fn create(name: &str) -> Result<Box<dyn Provider>, FactoryError> {
    let all = registrations();
    let Some(found) = all.iter().find(|r| r.name == name) else {
        return Err(FactoryError::Unknown {
            name: name.to_string(),
            known: all.iter().map(|r| r.name).collect(),
        });
    };
    (found.build)().map_err(|message| FactoryError::Build {
        name: found.name,
        message,
    })
}

/// Name of the env var that selects the provider of a category: `PAYMENTS_PROVIDER`.
pub fn category_env_var(category: &str) -> String {
    format!("{}_PROVIDER", category.to_uppercase().replace('-', "_"))
}

/// Picks the integration serving `category`: the one named by `selected` (usually the
/// value of [`category_env_var`]), or the only one registered for the category.
pub fn select_for_category(
    category: &str,
    selected: Option<&str>,
) -> Result<Registration, FactoryError> {
    let all = registrations();
    if let Some(name) = selected.map(str::trim).filter(|s| !s.is_empty()) {
        return match all.iter().find(|r| r.name == name) {
            Some(found) => Ok(*found),
            None => Err(FactoryError::Unknown {
                name: name.to_string(),
                known: all.iter().map(|r| r.name).collect(),
            }),
        };
    }
    let candidates: Vec<&Registration> = all.iter().filter(|r| r.category == category).collect();
    match candidates.as_slice() {
        [] => Err(FactoryError::NoneForCategory {
            category: category.to_string(),
        }),
        [only] => Ok(**only),
        many => Err(FactoryError::Ambiguous {
            category: category.to_string(),
            env_var: category_env_var(category),
            candidates: many.iter().map(|r| r.name).collect(),
        }),
    }
}

/// Builds the provider for `category`, honouring `<CATEGORY>_PROVIDER`.
pub fn for_category(category: &str) -> Result<Box<dyn Provider>, FactoryError> {
    let selected = std::env::var(category_env_var(category)).ok();
    let found = select_for_category(category, selected.as_deref())?;
    (found.build)().map_err(|message| FactoryError::Build {
        name: found.name,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_names_are_unique_and_lowercase() {
        let all = registrations();
        let mut names: Vec<&str> = all.iter().map(|r| r.name).collect();
        for name in &names {
            assert_eq!(*name, name.to_lowercase(), "{name} is not lowercase");
            assert!(registration(name).is_some());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len(), "duplicate registrations");
    }

    #[test]
    fn unknown_name_is_an_error_listing_the_known_ones() {
        let err = create("no-such-integration").unwrap_err();
        match &err {
            FactoryError::Unknown { name, known } => {
                assert_eq!(name, "no-such-integration");
                assert_eq!(known.len(), registrations().len());
            }
            other => panic!("unexpected error: {other:?}"),
        }
        assert!(err
            .to_string()
            .contains("unknown integration `no-such-integration`"));
    }

    #[test]
    fn category_env_var_is_shouty() {
        assert_eq!(category_env_var("payments"), "PAYMENTS_PROVIDER");
        assert_eq!(category_env_var("e-mail"), "E_MAIL_PROVIDER");
    }

    #[test]
    fn selecting_by_category() {
        assert_eq!(
            select_for_category("no-such-category", None).unwrap_err(),
            FactoryError::NoneForCategory {
                category: "no-such-category".into()
            }
        );
        assert!(matches!(
            select_for_category("payments", Some("no-such-integration")),
            Err(FactoryError::Unknown { .. })
        ));
        for r in registrations() {
            let picked = select_for_category(r.category, Some(r.name)).unwrap();
            assert_eq!(picked.name, r.name);
            let same_category = registrations()
                .iter()
                .filter(|o| o.category == r.category)
                .count();
            match select_for_category(r.category, None) {
                Ok(only) => {
                    assert_eq!(same_category, 1);
                    assert_eq!(only.name, r.name);
                }
                Err(FactoryError::Ambiguous { candidates, .. }) => {
                    assert_eq!(candidates.len(), same_category);
                    assert!(candidates.contains(&r.name));
                }
                Err(other) => panic!("unexpected error: {other:?}"),
            }
        }
    }
}
