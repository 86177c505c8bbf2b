//! End-to-end checks of `Extractor::extract` on short texts, one phenomenon each.

use super::*;

fn ex(text: &str, published: Option<&str>, lang: Option<Language>) -> Extraction {
    let e = Extractor::new(Gazetteer::embedded());
    e.extract(ExtractInput {
        text,
        published: published.and_then(|p| NaiveDate::parse_from_str(p, "%Y-%m-%d").ok()),
        language: lang,
    })
}

#[test]
fn language_is_detected() {
    assert_eq!(detect_language("Dos migrantes fueron asesinados en la carretera por hombres armados."), Language::Es);
    assert_eq!(detect_language("Two migrants were killed on the road by gunmen."), Language::En);
}

#[test]
fn spanish_killing_with_place_date_and_count() {
    let x = ex("El lunes, dos hombres fueron asesinados a tiros en un taller mecánico de Celaya, Guanajuato.", Some("2024-03-13"), None);
    assert_eq!(x.language, Language::Es);
    assert_eq!(x.incidents.len(), 1, "{:#?}", x.incidents);
    let i = &x.incidents[0];
    assert_eq!(i.event_date.map(|d| d.to_string()).as_deref(), Some("2024-03-11"));
    assert_eq!(i.fatalities, Some(2));
    let l = i.location.as_ref().expect("location");
    assert_eq!(l.name.as_deref(), Some("Celaya"));
    assert_eq!(l.country.as_deref(), Some("MX"));
}

#[test]
fn policy_text_yields_no_incident() {
    let x = ex("Mexico agreed to deploy 6,000 National Guard soldiers to its southern border. Officials said migrants could face attacks if the plan fails.", Some("2019-08-02"), None);
    assert!(x.incidents.is_empty(), "{:#?}", x.incidents);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// Extraction never fails or panics, and every evidence span lies on char boundaries of
    /// the input, whatever the text.
    #[test]
    fn extraction_never_panics_and_spans_are_valid(text in "(\\PC|[ .,;:\\n“”\"'0-9])*", words in proptest::collection::vec(proptest::sample::select(vec![
        "police", "killed", "two", "migrants", "in", "Saltillo", ",", "Coahuila", "no", "one", "was", "hurt", "said", "according", "to",
        "asesinados", "dos", "hombres", "según", "la", "Fiscalía", "“", "”", "Wednesday", "el", "miércoles", "pasado", "late", "June",
        "5", "/", "7", "the", "second", "killing", "of", "a", "man", "by", "gunmen", "near", "from", "Honduras", "hondureños", ".", "\n\n",
    ]), 0..60)) {
        let joined = words.join(" ");
        for t in [text.as_str(), joined.as_str()] {
            let x = ex(t, Some("2024-05-20"), None);
            for i in &x.incidents {
                for spans in i.evidence.values() {
                    for s in spans {
                        proptest::prop_assert!(s.slice(t).is_some(), "span {:?} not on char boundaries of {:?}", s, t);
                    }
                }
            }
        }
    }
}

