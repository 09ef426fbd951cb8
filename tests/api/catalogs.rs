//! The message catalogs (`locales/`): both parse, hold the same keys with
//! the same arguments, hold every key the code uses and none it does not;
//! and no text a person reads is written outside them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_bundle::FluentResource;
use fluent_syntax::ast::Entry;
use orgmap::i18n::{CATALOGS, Lang};
use regex::Regex;

/// The keys of a catalog; fails on a syntax error or a key given twice.
fn keys(lang: Lang, source: &str) -> BTreeSet<String> {
    let resource = match FluentResource::try_new(source.to_owned()) {
        Ok(resource) => resource,
        Err((_, errors)) => panic!("the {lang:?} catalog does not parse: {errors:?}"),
    };
    let mut keys = BTreeSet::new();
    for entry in resource.entries() {
        match entry {
            Entry::Message(message) => {
                let key = message.id.name.to_owned();
                assert!(message.value.is_some(), "{lang:?}: {key} has no value");
                assert!(keys.insert(key.clone()), "{lang:?}: {key} is given twice");
            }
            Entry::Term(term) => panic!("{lang:?}: terms are not used ({})", term.id.name),
            _ => {}
        }
    }
    keys
}

/// The arguments (`{ $name }`) each message of a catalog reads.
fn arguments(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let start = Regex::new(r"^([a-zA-Z][a-zA-Z0-9_-]*)\s*=").unwrap();
    let variable = Regex::new(r"\$([a-zA-Z][a-zA-Z0-9_-]*)").unwrap();
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        if let Some(caps) = start.captures(line) {
            current = Some(caps[1].to_owned());
        } else if line.trim().is_empty() || line.starts_with('#') {
            current = None;
        }
        if let Some(key) = &current {
            let names = found.entry(key.clone()).or_default();
            for caps in variable.captures_iter(line) {
                names.insert(caps[1].to_owned());
            }
        }
    }
    found
}

fn source_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Every `.rs` file of `src/`, with its text.
fn sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect()
}

/// The keys the code names: `msg!("key"` (spaces and new lines allowed).
fn keys_in_code() -> BTreeMap<String, PathBuf> {
    let pattern = Regex::new(r#"msg!\(\s*"([^"]+)""#).unwrap();
    let mut used = BTreeMap::new();
    for (path, text) in sources() {
        for caps in pattern.captures_iter(&text) {
            used.entry(caps[1].to_owned()).or_insert(path.clone());
        }
    }
    used
}

/// The names of the arguments the code passes to each key: the
/// `name = value` pairs at the top level of each `msg!(…)`.
fn arguments_in_code() -> BTreeMap<String, BTreeSet<String>> {
    let key = Regex::new(r#"^msg!\(\s*"([^"]+)""#).unwrap();
    let name = Regex::new(r"^\s*,?\s*([a-z_][a-z0-9_]*)\s*=[^=]").unwrap();
    let mut passed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, text) in sources() {
        for (start, _) in text.match_indices("msg!(") {
            let rest = &text[start..];
            let Some(caps) = key.captures(rest) else {
                continue;
            };
            let names = passed.entry(caps[1].to_owned()).or_default();
            // Walk to the closing parenthesis, noting each top-level `name =`.
            let mut depth = 0;
            for (i, ch) in rest.char_indices() {
                match ch {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        if let Some(found) = name.captures(&rest[i..]) {
                            names.insert(found[1].to_owned());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    passed
}

#[test]
fn both_catalogs_parse_hold_the_same_keys_and_read_only_arguments_the_code_passes() {
    let [(zh_lang, zh), (en_lang, en)] = CATALOGS;
    let (zh_keys, en_keys) = (keys(zh_lang, zh), keys(en_lang, en));

    let only_zh: Vec<_> = zh_keys.difference(&en_keys).collect();
    let only_en: Vec<_> = en_keys.difference(&zh_keys).collect();
    assert!(only_zh.is_empty(), "only in zh-CN: {only_zh:?}");
    assert!(only_en.is_empty(), "only in en: {only_en:?}");
    // A language may leave out an argument (English names a kind by its
    // code, Chinese by its name), but never read one the code does not pass.
    let passed = arguments_in_code();
    for (lang, source) in CATALOGS {
        for (key, read) in arguments(source) {
            let given = passed.get(&key).cloned().unwrap_or_default();
            let unknown: Vec<_> = read.difference(&given).collect();
            assert!(
                unknown.is_empty(),
                "{lang:?} {key} reads {unknown:?}, which the code does not pass"
            );
        }
    }
}

#[test]
fn every_key_the_code_uses_is_in_both_catalogs_and_every_key_is_used() {
    let used = keys_in_code();
    assert!(used.len() > 50, "the pattern finds the keys: {used:?}");
    for (lang, source) in CATALOGS {
        let have = keys(lang, source);
        let missing: Vec<_> = used
            .iter()
            .filter(|(key, _)| !have.contains(*key))
            .collect();
        assert!(missing.is_empty(), "missing from {lang:?}: {missing:?}");
        let unused: Vec<_> = have.iter().filter(|k| !used.contains_key(*k)).collect();
        assert!(unused.is_empty(), "in {lang:?} but never used: {unused:?}");
    }
}

#[test]
fn chinese_messages_use_full_width_brackets_and_no_at_sign() {
    let [(_, zh), _] = CATALOGS;
    let han = Regex::new(r"\p{Han}").unwrap();
    // ASCII brackets next to a Chinese character: "名称 (代码)" or "名称(代码)".
    let ascii_bracket = Regex::new(r"\p{Han}\s*\(|\)\s*\p{Han}").unwrap();
    for line in zh.lines().filter(|l| !l.starts_with('#')) {
        if !han.is_match(line) {
            continue;
        }
        assert!(!line.contains('@'), "'@' in Chinese text: {line}");
        assert!(
            !ascii_bracket.is_match(line),
            "ASCII brackets in Chinese text: {line}"
        );
    }
}

/// The places where a text for people was written by hand before the
/// catalogs: an error built from a string literal or `format!`, a reason,
/// detail or explanation step that is a `String`.
#[test]
fn no_text_for_people_is_written_outside_the_catalogs() {
    let patterns = [
        r#"Error::(invalid|not_found)\(\s*[^,]+,\s*(format!|"|&format!)"#,
        r#"Error::(Conflict|Unauthenticated|Forbidden)\(\s*(format!|"|&format!|String)"#,
        r#"Error::(InvalidInput|NotFound)\s*\{[^}]*reason:\s*(format!|")"#,
        r#"reason:\s*(format!|"[^"]*"\.(to_owned|into|to_string)\(\))"#,
        r#"detail:\s*format!"#,
        r#"steps\.push\(\s*(format!|")"#,
        r#"file_error\(\s*[^,]+,\s*(format!|")"#,
        r#"error_response\(\s*[^,]+,\s*[^,]+,\s*(&?format!|")"#,
    ]
    .map(|p| Regex::new(p).unwrap());
    let mut found = Vec::new();
    for (path, text) in sources() {
        // The unit tests of a module may build errors by hand.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for pattern in &patterns {
            for hit in pattern.find_iter(code) {
                let line = code[..hit.start()].lines().count();
                found.push(format!("{}:{line}: {}", path.display(), hit.as_str()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "texts for people written outside locales/ (use msg!):\n{}",
        found.join("\n")
    );
}
