//! English and Spanish, from Project Fluent files compiled into the binary
//! (`locales/en.ftl`, `locales/es.ftl`), and dates and numbers written the locale's way.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// The language tag: `en` or `es`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language with this tag (`es`, `es-MX`, `EN`...), if it is one of ours.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The language a browser prefers among ours, from an `Accept-Language` header (by its
    /// quality values); English when it names neither.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',').take(32) {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("");
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(tag) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map_or(Lang::En, |(_, l)| l)
    }

    /// The other language, for the switch.
    pub fn other(&self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }
}

/// The messages of both languages.
pub struct Messages {
    en: FluentBundle<FluentResource>,
    es: FluentBundle<FluentResource>,
}

const EN_FTL: &str = include_str!("../locales/en.ftl");
const ES_FTL: &str = include_str!("../locales/es.ftl");

impl Messages {
    /// Parses the compiled-in `.ftl` files.
    ///
    /// # Errors
    ///
    /// When a file does not parse (a bug caught by the tests).
    pub fn load() -> anyhow::Result<Messages> {
        Ok(Messages { en: bundle("en", EN_FTL)?, es: bundle("es", ES_FTL)? })
    }

    /// The message `id` in `lang`, with no arguments; the id itself when it is missing.
    pub fn get(&self, lang: Lang, id: &str) -> String {
        self.format(lang, id, None)
    }

    /// The message `id` in `lang` with arguments.
    pub fn get_args(&self, lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut a = FluentArgs::new();
        for (k, v) in args {
            a.set(*k, v.clone());
        }
        self.format(lang, id, Some(&a))
    }

    fn format(&self, lang: Lang, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut errors = Vec::new();
        bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }

    /// Every message id of `lang`, for tests that both files have the same.
    pub fn ids(lang: Lang) -> Vec<String> {
        let source = match lang {
            Lang::En => EN_FTL,
            Lang::Es => ES_FTL,
        };
        source
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
            .collect()
    }
}

/// The English message `id`, for code without the application's state (the API's errors,
/// which are in English); the id itself if the files do not parse.
pub fn english(id: &str) -> String {
    static MESSAGES: OnceLock<Option<Messages>> = OnceLock::new();
    MESSAGES.get_or_init(|| Messages::load().ok()).as_ref().map_or_else(|| id.to_string(), |m| m.get(Lang::En, id))
}

fn bundle(tag: &str, source: &str) -> anyhow::Result<FluentBundle<FluentResource>> {
    let langid: unic_langid::LanguageIdentifier = tag.parse().map_err(|e| anyhow::anyhow!("language {tag}: {e:?}"))?;
    let resource = FluentResource::try_new(source.to_string())
        .map_err(|(_, errors)| anyhow::anyhow!("{tag}.ftl does not parse: {errors:?}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Unicode isolation marks would end up in attributes and downloads.
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).map_err(|errors| anyhow::anyhow!("{tag}.ftl: {errors:?}"))?;
    Ok(bundle)
}

/// A date the locale's way: `31 Jul 2019` / `31 jul 2019`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const ES: [&str; 12] = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"];
    let months = match lang {
        Lang::En => EN,
        Lang::Es => ES,
    };
    let month = months.get(d.month0() as usize).copied().unwrap_or("?");
    format!("{} {} {}", d.day(), month, d.year())
}

/// A whole number the locale's way: `100,000` / `100.000`.
pub fn number(lang: Lang, n: u64) -> String {
    let sep = match lang {
        Lang::En => ',',
        Lang::Es => '.',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_messages() {
        let m = Messages::load().unwrap();
        let en = Messages::ids(Lang::En);
        let es = Messages::ids(Lang::Es);
        assert!(en.len() > 50, "{}", en.len());
        let missing: Vec<_> = en.iter().filter(|id| !es.contains(id)).collect();
        assert!(missing.is_empty(), "missing in es.ftl: {missing:?}");
        let extra: Vec<_> = es.iter().filter(|id| !en.contains(id)).collect();
        assert!(extra.is_empty(), "missing in en.ftl: {extra:?}");
        assert_eq!(m.get(Lang::Es, "nav-incidents"), "Incidentes");
    }

    /// The message ids written literally in `source` where a message is asked for: after
    /// `t(`, `lang, ` or `ctx, `, and ids chosen by `=> ` or in `{ }` (a choice between two).
    fn literal_ids(source: &str) -> Vec<String> {
        let mut out = Vec::new();
        for context in ["t(\"", "lang, \"", "ctx, \"", "=> \"", "{ \""] {
            for (at, _) in source.match_indices(context) {
                let rest = &source[at + context.len()..];
                let Some(end) = rest.find('"') else { continue };
                let id = &rest[..end];
                if id.contains('-') && !id.ends_with('-') && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_') {
                    out.push(id.to_string());
                }
            }
        }
        out
    }

    #[test]
    fn every_message_the_code_asks_for_is_in_both_languages() {
        let m = Messages::load().unwrap();
        let has = |lang: Lang, id: &str| m.get(lang, id) != id;
        let mut wanted: Vec<String> = Vec::new();
        for source in [
            include_str!("lib.rs"),
            include_str!("pages.rs"),
            include_str!("render.rs"),
            include_str!("users.rs"),
            include_str!("views.rs"),
        ] {
            wanted.extend(literal_ids(source));
        }
        assert!(wanted.len() > 100, "the scan finds the ids: {}", wanted.len());
        // Ids made from a stem or a vocabulary.
        for stem in crate::error_stems() {
            wanted.push(format!("{stem}-title"));
            wanted.push(format!("{stem}-text"));
        }
        wanted.extend(crate::pages::AUDIT_ACTIONS.iter().map(|a| format!("audit-action-{a}")));
        wanted.extend(["viewer", "analyst", "admin"].map(|r| format!("role-{r}")));
        wanted.extend(testigo_store::monitor::Verification::ALL.iter().map(|v| format!("status-{}", v.as_str())));
        wanted.extend(testigo_store::monitor::Sort::ALL.iter().map(|v| format!("sort-{}", v.as_str())));
        wanted.extend(testigo_core::Harm::ALL.iter().map(|h| format!("harm-{}", h.as_str())));
        wanted.extend(testigo_store::monitor::EDITABLE_FIELDS.iter().map(|f| format!("edit-{}", f.replace('.', "-"))));
        wanted.extend(["added", "role", "disabled", "enabled", "password"].map(|d| format!("users-done-{d}")));
        for lang in [Lang::En, Lang::Es] {
            let missing: Vec<&String> = wanted
                .iter()
                .filter(|id| !has(lang, id) && !(has(lang, &format!("{id}-title")) && has(lang, &format!("{id}-text"))))
                .collect();
            assert!(missing.is_empty(), "missing in {}.ftl: {missing:?}", lang.as_str());
        }
    }

    #[test]
    fn accept_language_and_locale_formats() {
        assert_eq!(Lang::from_accept_language("es-MX,es;q=0.9,en;q=0.8"), Lang::Es);
        assert_eq!(Lang::from_accept_language("fr, en;q=0.5, es;q=0.4"), Lang::En);
        assert_eq!(Lang::from_accept_language("de"), Lang::En);
        assert_eq!(number(Lang::Es, 100_000), "100.000");
        assert_eq!(number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(number(Lang::En, 12), "12");
        let d = NaiveDate::from_ymd_opt(2019, 8, 2).unwrap();
        assert_eq!(date(Lang::Es, d), "2 ago 2019");
    }
}
