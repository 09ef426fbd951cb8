//! The languages orgmap speaks and the messages it says in them. Every text
//! a person reads is a [`Message`]: a key of the catalogs in `locales/`
//! (Fluent, one file per language, compiled into the binary) and its named
//! arguments. Code builds messages with [`msg!`](crate::msg) and never
//! strings; the boundary that answers a person renders them in that
//! person's language ([`Message::render`]). Simplified Chinese is the
//! default; English is given on request.
//!
//! Like `error.rs`, this module is used by everything and uses nothing of
//! ours.

use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language orgmap answers in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Simplified Chinese, in the register of an official document.
    #[default]
    Zh,
    En,
}

/// The catalogs, by language: the Fluent source of each.
pub const CATALOGS: [(Lang, &str); 2] = [
    (Lang::Zh, include_str!("../locales/zh-CN/orgmap.ftl")),
    (Lang::En, include_str!("../locales/en/orgmap.ftl")),
];

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The language tag (BCP 47) of the catalog.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language of one tag (`en`, `en-US`, `zh`, `zh-CN`, `zh-Hans`),
    /// or None when orgmap does not speak it.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_', '.']).next()?;
        if primary.eq_ignore_ascii_case("zh") {
            Some(Lang::Zh)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language an `Accept-Language` header asks for: the supported tag
    /// of the highest weight, the first among equals; Chinese when it names
    /// none that orgmap speaks (or `*`).
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(u16, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q=").map(quality))
                .unwrap_or(1000);
            let Some(lang) = Lang::from_tag(tag) else {
                continue;
            };
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }

    /// The language of the process's locale (`LC_ALL`, then `LC_MESSAGES`,
    /// then `LANG`, as POSIX orders them): English when it is English,
    /// Chinese otherwise.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .and_then(|value| Lang::from_tag(&value))
            .unwrap_or_default()
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        static BUNDLES: LazyLock<[FluentBundle<FluentResource>; 2]> =
            LazyLock::new(|| CATALOGS.map(|(lang, source)| bundle(lang, source)));
        &BUNDLES[self as usize]
    }
}

/// A q-value ("0.8") in thousandths; a malformed one counts as 0 (refused).
fn quality(text: &str) -> u16 {
    text.trim()
        .parse::<f32>()
        .ok()
        .filter(|q| (0.0..=1.0).contains(q))
        .map(|q| (q * 1000.0).round() as u16)
        .unwrap_or(0)
}

/// The bundle of one catalog. A catalog that does not parse keeps what
/// parsed: the catalog test fails on it long before a release.
fn bundle(lang: Lang, source: &str) -> FluentBundle<FluentResource> {
    let tag = lang.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // Without this every argument would be wrapped in invisible FSI/PDI
    // marks, which end up in JSON answers, spreadsheets and terminals.
    bundle.set_use_isolating(false);
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _)| partial);
    // Duplicate keys are reported by the catalog test; the first one stays.
    let _ = bundle.add_resource(resource);
    bundle
}

/// One argument of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Text shown as it is: a name, a code, a value the user gave.
    Text(String),
    /// A number, which English plural selectors read.
    Number(i64),
    /// A part that is itself a message, rendered in the same language.
    Message(Box<Message>),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Text(value.clone())
    }
}

impl From<char> for Arg {
    fn from(value: char) -> Self {
        Arg::Text(value.to_string())
    }
}

impl From<Message> for Arg {
    fn from(value: Message) -> Self {
        Arg::Message(Box::new(value))
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Self {
                Arg::Number(i64::try_from(value).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_args!(i32, i64, u32, u64, usize);

/// A text to be shown to a person: a catalog key and its arguments,
/// rendered in the reader's language when it reaches them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    key: &'static str,
    args: Vec<(&'static str, Arg)>,
}

impl Message {
    /// A message by its key. Prefer [`msg!`](crate::msg), which the
    /// catalog test finds in the sources.
    pub fn new(key: &'static str) -> Self {
        Message {
            key,
            args: Vec::new(),
        }
    }

    /// The message with one more named argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The text in `lang`. A key missing from the catalog (which the
    /// catalog test forbids) shows as the key, never as a panic.
    pub fn render(&self, lang: Lang) -> String {
        let bundle = lang.bundle();
        let Some(pattern) = bundle.get_message(self.key).and_then(|m| m.value()) else {
            return self.key.to_owned();
        };
        let mut args = FluentArgs::new();
        for (name, value) in &self.args {
            let value = match value {
                Arg::Text(text) => FluentValue::String(Cow::Borrowed(text.as_str())),
                Arg::Number(n) => FluentValue::from(*n),
                Arg::Message(inner) => FluentValue::String(Cow::Owned(inner.render(lang))),
            };
            args.set(*name, value);
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned()
    }
}

/// Logs and `Display` (which has no reader to ask) use the default language.
impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

/// A [`Message`] by its catalog key and named arguments:
/// `msg!("region-not-found", code = code)`.
#[macro_export]
macro_rules! msg {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Message::new($key)$(.arg(stringify!($name), $value))*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_takes_the_supported_tag_of_highest_weight() {
        let cases = [
            ("", Lang::Zh),
            ("en", Lang::En),
            ("en-US", Lang::En),
            ("zh-CN", Lang::Zh),
            ("zh-Hans", Lang::Zh),
            ("fr, en;q=0.8", Lang::En),
            ("fr-FR, de;q=0.9", Lang::Zh),
            ("zh;q=0.5, en;q=0.9", Lang::En),
            ("en;q=0, zh", Lang::Zh),
            ("EN-gb", Lang::En),
            ("*", Lang::Zh),
            ("zh, en", Lang::Zh),
            ("en;q=nonsense, zh;q=0.1", Lang::Zh),
        ];
        for (header, want) in cases {
            assert_eq!(Lang::from_accept_language(header), want, "{header:?}");
        }
    }

    #[test]
    fn rendering_has_no_isolation_marks_and_numbers_choose_english_plurals() {
        let one = msg!("limit-errors-omitted", count = 1).render(Lang::En);
        let two = msg!("limit-errors-omitted", count = 2).render(Lang::En);
        assert_eq!(one, "1 more error not shown");
        assert_eq!(two, "2 more errors not shown");
        let named = msg!("named", name = "福州市", code = "350100");
        assert_eq!(named.render(Lang::Zh), "福州市（350100）");
        assert_eq!(named.render(Lang::En), "福州市 (350100)");
    }

    #[test]
    fn a_missing_key_renders_as_the_key() {
        assert_eq!(Message::new("no-such-key").render(Lang::En), "no-such-key");
    }
}
