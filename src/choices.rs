//! The closed sets of answers: service category, auth style, webhook signature scheme, and
//! the wire facts of generated clients (encoding, update method, pagination, client mode).
//!
//! Each is an enum with one spelling per value, used by clap (`ValueEnum`), serde (the
//! record, the catalogs, JSON output) and the templates alike. A value outside the set is
//! refused wherever it comes from, with the list of choices.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value of one of the closed sets.
pub trait Choice: Copy + Eq + 'static {
    /// What the set is called in messages ("webhook scheme").
    const WHAT: &'static str;
    /// Every value, in the order shown to users.
    const ALL: &'static [Self];
    /// Every spelling, in the order of [`Choice::ALL`].
    const NAMES: &'static [&'static str];

    /// The one spelling of this value.
    fn as_str(self) -> &'static str {
        let index = Self::ALL
            .iter()
            .position(|v| *v == self)
            .expect("ALL lists every value");
        Self::NAMES[index]
    }

    /// The value spelled `text`, exactly.
    fn parse(text: &str) -> Result<Self, UnknownChoice> {
        Self::NAMES
            .iter()
            .position(|n| *n == text)
            .map(|i| Self::ALL[i])
            .ok_or_else(|| UnknownChoice {
                what: Self::WHAT,
                value: text.to_string(),
                choices: Self::NAMES,
            })
    }
}

/// A spelling that is not one of a set's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownChoice {
    /// What the set is called.
    pub what: &'static str,
    /// The value given.
    pub value: String,
    /// The values accepted.
    pub choices: &'static [&'static str],
}

impl fmt::Display for UnknownChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} `{}`; expected one of: {}",
            self.what,
            self.value.escape_debug(),
            self.choices.join(", ")
        )
    }
}

impl std::error::Error for UnknownChoice {}

macro_rules! choice {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl Choice for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$($name::$variant,)+];
            const NAMES: &'static [&'static str] = &[$($text,)+];
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownChoice;
            fn from_str(text: &str) -> Result<Self, UnknownChoice> {
                <Self as Choice>::parse(text)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                <Self as Choice>::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                Self::ALL
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.as_str()))
            }
        }
    };
}

choice!(
    /// What kind of service it is; groups integrations in INTEGRATIONS.md.
    Category, "category", {
        Payments = "payments",
        Email = "email",
        Sms = "sms",
        Storage = "storage",
        Auth = "auth",
        Monitoring = "monitoring",
        Analytics = "analytics",
        Ai = "ai",
        Search = "search",
        Crm = "crm",
        Messaging = "messaging",
        Other = "other",
    }
);

choice!(
    /// How the generated client authenticates.
    AuthStyle, "auth style", {
        /// `Authorization: Bearer <key>`.
        Bearer = "bearer",
        /// The key in a header of the service's own (`auth_header`).
        ApiKey = "api-key",
        /// HTTP basic auth with a username and a password.
        Basic = "basic",
        /// OAuth2 client credentials against `token_url`.
        Oauth2 = "oauth2",
        /// No credentials.
        None = "none",
    }
);

choice!(
    /// How the provider signs webhook deliveries; every kit implements each one.
    WebhookScheme, "webhook scheme", {
        /// Hex HMAC-SHA256 of the body in one header, optionally `sha256=`-prefixed.
        HmacSha256 = "hmac-sha256",
        /// `Stripe-Signature: t=..,v1=..`.
        Stripe = "stripe",
        /// `X-Hub-Signature-256: sha256=..`.
        Github = "github",
        /// standardwebhooks.com (and Svix).
        StandardWebhooks = "standard-webhooks",
        /// `X-Slack-Signature: v0=..` with a timestamp header.
        Slack = "slack",
        /// Base64 HMAC-SHA256 of the body.
        Shopify = "shopify",
        /// Base64 HMAC-SHA1 of the URL and sorted form parameters.
        Twilio = "twilio",
    }
);

choice!(
    /// How the generated client encodes request bodies.
    Encoding, "body encoding", {
        /// `application/json`.
        Json = "json",
        /// `application/x-www-form-urlencoded`, flat.
        Form = "form",
        /// `application/x-www-form-urlencoded` with bracket nesting (`metadata[order]=42`).
        FormBrackets = "form-brackets",
    }
);

choice!(
    /// The HTTP method of the generated client's `update` helper.
    UpdateMethod, "update method", {
        Patch = "PATCH",
        Put = "PUT",
        Post = "POST",
    }
);

choice!(
    /// How a list endpoint pages.
    PaginationStyle, "pagination style", {
        /// One page only.
        None = "none",
        /// `starting_after=<id of the last item>` while the has-more flag is true.
        StripeCursor = "stripe-cursor",
        /// `Link: <url>; rel="next"`.
        LinkHeader = "link-header",
        /// A token from the response sent back as a query parameter.
        PageToken = "page-token",
        /// An offset query parameter, until a short page.
        Offset = "offset",
        /// A next URL or path in the response body.
        NextUrl = "next-url",
    }
);

choice!(
    /// The HTTP method of a shortcut.
    HttpMethod, "HTTP method", {
        Get = "GET",
        Post = "POST",
        Put = "PUT",
        Patch = "PATCH",
        Delete = "DELETE",
    }
);

choice!(
    /// What the generated module talks through.
    ClientMode, "client mode", {
        /// integrate's own small HTTP client.
        Thin = "thin",
        /// The provider's official SDK, configured from the settings.
        Sdk = "sdk",
    }
);

choice!(
    /// The type of a shortcut's parameter, for typed signatures in every kit.
    ParamType, "parameter type", {
        String = "string",
        Integer = "integer",
        Boolean = "boolean",
        StringList = "string-list",
        Object = "object",
        ObjectList = "object-list",
    }
);

choice!(
    /// Where a shortcut sends its parameters.
    ParamsIn, "parameter location", {
        Body = "body",
        Query = "query",
    }
);

/// Serde for an optional choice stored as a string where `""` means absent (the
/// catalogs write `webhook_scheme = ""` for "no scheme integrate can verify").
pub mod optional {
    use super::Choice;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes `None` as `""`.
    pub fn serialize<T: Choice, S: Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(value.map_or("", |v| v.as_str()))
    }

    /// Reads `""` as `None`, any other text as a value of the set or an error naming it.
    pub fn deserialize<'de, T: Choice, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        let text = String::deserialize(d)?;
        if text.is_empty() {
            return Ok(None);
        }
        T::parse(&text).map(Some).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    fn round_trip<T: Choice + fmt::Debug + ValueEnum>() {
        assert_eq!(T::ALL.len(), T::NAMES.len());
        for value in T::ALL {
            assert_eq!(T::parse(value.as_str()), Ok(*value));
            assert_eq!(
                <T as ValueEnum>::from_str(value.as_str(), false).as_ref(),
                Ok(value),
                "clap spelling of {value:?}"
            );
        }
    }

    #[test]
    fn every_value_has_one_spelling() {
        round_trip::<Category>();
        round_trip::<AuthStyle>();
        round_trip::<WebhookScheme>();
        round_trip::<Encoding>();
        round_trip::<UpdateMethod>();
        round_trip::<PaginationStyle>();
        round_trip::<ClientMode>();
        round_trip::<HttpMethod>();
        round_trip::<ParamType>();
        round_trip::<ParamsIn>();
    }

    #[test]
    fn near_misses_are_refused_with_the_choices() {
        for typo in ["hmac_sha256", "HMAC-SHA256", "stripe ", "", "svix"] {
            let err = WebhookScheme::parse(typo).unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with("unknown webhook scheme"), "{text}");
            assert!(text.contains("hmac-sha256, stripe, github"), "{text}");
        }
        assert!(AuthStyle::parse("api_key").is_err());
        assert!(Category::parse("Payments").is_err());
    }

    #[test]
    fn control_characters_in_a_refused_value_are_escaped() {
        let err = Category::parse("a\u{1b}[2Jb\n").unwrap_err();
        assert!(!err.to_string().contains('\u{1b}'));
        assert!(!err.to_string().contains('\n'));
    }
}
