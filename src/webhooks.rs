//! Webhook signature schemes and their shared test vectors (`scaffolds/webhooks.toml`).

use serde::{Deserialize, Serialize};

use crate::choices::{Choice, WebhookScheme};
use crate::kit::SCAFFOLDS;

/// A header name and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pair {
    pub name: String,
    pub value: String,
}

/// One test vector.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vector {
    pub name: String,
    pub valid: bool,
    pub payload: String,
    pub now: i64,
    #[serde(default)]
    pub headers: Vec<Pair>,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub params: Vec<Pair>,
}

/// A scheme's defaults and vectors.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scheme {
    pub header: String,
    pub secret: String,
    #[serde(default)]
    pub tolerance_secs: u64,
    #[serde(default)]
    pub vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct File {
    schemes: std::collections::BTreeMap<String, Scheme>,
}

/// The scheme `id` with its vectors; for `hmac-sha256` the vectors' header is renamed to
/// `header` when one is given.
pub fn scheme(id: WebhookScheme, header: Option<&str>) -> Option<Scheme> {
    let name = id.as_str();
    let text = SCAFFOLDS.get_file("webhooks.toml")?.contents_utf8()?;
    let section = crate::tables::section(text, &format!("schemes.{name}"));
    let file: File = toml::from_str(&section).ok()?;
    let mut scheme = file.schemes.get(name)?.clone();
    if let Some(header) = header.filter(|h| !h.is_empty() && *h != scheme.header) {
        if id == WebhookScheme::HmacSha256 {
            for vector in &mut scheme.vectors {
                for pair in &mut vector.headers {
                    if pair.name.eq_ignore_ascii_case(&scheme.header) {
                        pair.name = header.to_string();
                    }
                }
            }
            scheme.header = header.to_string();
        }
    }
    Some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scheme_has_valid_and_invalid_vectors() {
        for name in WebhookScheme::ALL {
            let s = scheme(*name, None).unwrap_or_else(|| panic!("no vectors for {name}"));
            assert!(s.vectors.iter().any(|v| v.valid), "{name}");
            assert!(s.vectors.iter().any(|v| !v.valid), "{name}");
        }
    }

    #[test]
    fn each_scheme_parses_alone_as_in_the_whole_file() {
        let text = SCAFFOLDS.get_file("webhooks.toml").unwrap();
        let file: File = toml::from_str(text.contents_utf8().unwrap()).unwrap();
        assert_eq!(file.schemes.len(), WebhookScheme::ALL.len());
        for (name, whole) in &file.schemes {
            let alone = scheme(WebhookScheme::parse(name).unwrap(), None).unwrap();
            assert_eq!(
                serde_json::to_value(alone).unwrap(),
                serde_json::to_value(whole).unwrap(),
                "{name}"
            );
        }
    }

    #[test]
    fn generic_hmac_vectors_follow_a_custom_header() {
        let s = scheme(WebhookScheme::HmacSha256, Some("X-Acme-Signature")).unwrap();
        assert_eq!(s.header, "X-Acme-Signature");
        assert!(s
            .vectors
            .iter()
            .all(|v| v.headers.iter().all(|h| h.name == "X-Acme-Signature")));
    }
}
