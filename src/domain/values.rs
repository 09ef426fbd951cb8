//! Value types that parse their input: credit codes, region codes and
//! levels, natural-key codes, names and free text.

use std::fmt;

use crate::error::{Error, Result};
use crate::i18n::Message;
use crate::msg;

/// The characters of a unified social credit code, in value order (GB 32100-2015).
pub(crate) const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the first 17 characters: 3^(i-1) mod 31.
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code (统一社会信用代码), upper case, check character verified.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(field: &str, input: &str) -> Result<Self> {
        let code = input.trim().to_ascii_uppercase();
        let count = code.chars().count();
        if count != 18 {
            return Err(Error::invalid(
                field,
                msg!("credit-code-length", count = count),
            ));
        }
        for (i, ch) in code.chars().enumerate() {
            if credit_value(ch).is_none() {
                return Err(Error::invalid(
                    field,
                    msg!("credit-code-character", character = ch, position = i + 1),
                ));
            }
        }
        let expected = Self::check_character(&code[..17]);
        let given = code.as_bytes()[17] as char;
        if given != expected {
            return Err(Error::invalid(
                field,
                msg!("credit-code-check", given = given, expected = expected),
            ));
        }
        Ok(CreditCode(code))
    }

    /// The check character for 17 valid characters. Callers pass characters
    /// from the alphabet; any other counts as 0.
    pub fn check_character(first17: &str) -> char {
        let sum: u32 = first17
            .chars()
            .zip(CREDIT_WEIGHTS)
            .map(|(ch, w)| credit_value(ch).unwrap_or(0) * w)
            .sum();
        CREDIT_ALPHABET[((31 - sum % 31) % 31) as usize] as char
    }

    /// The character of value `v` (0..31) in the credit-code alphabet.
    pub fn alphabet_char(v: usize) -> char {
        CREDIT_ALPHABET[v % 31] as char
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn credit_value(ch: char) -> Option<u32> {
    let byte = u8::try_from(ch).ok()?;
    CREDIT_ALPHABET
        .iter()
        .position(|&c| c == byte)
        .map(|p| p as u32)
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The level of a region in the tree PROVINCE > CITY > COUNTY > TOWNSHIP | SUBDISTRICT.
// Text by hand, not DeriveActiveEnum: imports, tests and messages in other
// modules take `as_str()` as a `&'static str`, which the derive does not give.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegionLevel {
    Province,
    City,
    County,
    Township,
    Subdistrict,
}

impl RegionLevel {
    pub const ALL: [RegionLevel; 5] = [
        RegionLevel::Province,
        RegionLevel::City,
        RegionLevel::County,
        RegionLevel::Township,
        RegionLevel::Subdistrict,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "PROVINCE",
            RegionLevel::City => "CITY",
            RegionLevel::County => "COUNTY",
            RegionLevel::Township => "TOWNSHIP",
            RegionLevel::Subdistrict => "SUBDISTRICT",
        }
    }

    /// The level as a person reads it: 县（市、区） in Chinese, the
    /// identifier in English.
    pub fn label(self) -> Message {
        match self {
            RegionLevel::Province => msg!("level-province"),
            RegionLevel::City => msg!("level-city"),
            RegionLevel::County => msg!("level-county"),
            RegionLevel::Township => msg!("level-township"),
            RegionLevel::Subdistrict => msg!("level-subdistrict"),
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == value)
    }

    /// Digits in a code of this level.
    pub fn code_len(self) -> usize {
        match self {
            RegionLevel::Township | RegionLevel::Subdistrict => 9,
            _ => 6,
        }
    }

    pub fn is_township(self) -> bool {
        matches!(self, RegionLevel::Township | RegionLevel::Subdistrict)
    }

    /// The levels a region of this level may sit under.
    fn parent_levels(self) -> &'static [RegionLevel] {
        match self {
            RegionLevel::Province => &[],
            RegionLevel::City => &[RegionLevel::Province],
            RegionLevel::County => &[RegionLevel::City, RegionLevel::Province],
            RegionLevel::Township | RegionLevel::Subdistrict => &[RegionLevel::County],
        }
    }
}

/// A GB/T 2260 region code: 6 digits down to county, 9 for townships and subdistricts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(field: &str, input: &str) -> Result<Self> {
        let code = input.trim();
        if !code.chars().all(|c| c.is_ascii_digit()) || !(code.len() == 6 || code.len() == 9) {
            return Err(Error::invalid(
                field,
                msg!("region-code-shape", code = truncate(code, 20)),
            ));
        }
        Ok(RegionCode(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks that a region with this code may be of `level` under a parent
    /// of `parent` (code and level), as GB/T 2260 nests codes.
    pub fn check_placement(
        &self,
        level: RegionLevel,
        parent: Option<(&str, RegionLevel)>,
    ) -> Result<()> {
        let code = self.as_str();
        if code.len() != level.code_len() {
            return Err(Error::invalid(
                "code",
                msg!(
                    "region-code-length",
                    level = level.label(),
                    digits = level.code_len(),
                    code = code,
                    given = code.len()
                ),
            ));
        }
        let shape_ok = match level {
            RegionLevel::Province => code.ends_with("0000") && !code.starts_with("00"),
            RegionLevel::City => code.ends_with("00") && !code.ends_with("0000"),
            RegionLevel::County => !code.ends_with("00"),
            RegionLevel::Township | RegionLevel::Subdistrict => !code.ends_with("000"),
        };
        if !shape_ok {
            let shape = match level {
                RegionLevel::Province => msg!("region-shape-province"),
                RegionLevel::City => msg!("region-shape-city"),
                RegionLevel::County => msg!("region-shape-county"),
                RegionLevel::Township | RegionLevel::Subdistrict => msg!("region-shape-township"),
            };
            return Err(Error::invalid(
                "code",
                msg!(
                    "region-code-level-shape",
                    level = level.label(),
                    shape = shape,
                    code = code
                ),
            ));
        }
        let allowed = level.parent_levels();
        match parent {
            None if allowed.is_empty() => Ok(()),
            None => Err(Error::invalid(
                "parentCode",
                msg!(
                    "region-needs-parent",
                    level = level.label(),
                    parents = join_levels(allowed)
                ),
            )),
            Some(_) if allowed.is_empty() => Err(Error::invalid(
                "parentCode",
                msg!("region-province-has-no-parent"),
            )),
            Some((parent_code, parent_level)) => {
                if !allowed.contains(&parent_level) {
                    return Err(Error::invalid(
                        "parentCode",
                        msg!(
                            "region-wrong-parent-level",
                            level = level.label(),
                            parents = join_levels(allowed),
                            parent = parent_level.label()
                        ),
                    ));
                }
                let shared = match (level, parent_level) {
                    (RegionLevel::County, RegionLevel::Province) => 2,
                    (RegionLevel::County, _) => 4,
                    (RegionLevel::City, _) => 2,
                    _ => 6,
                };
                if code.get(..shared) != parent_code.get(..shared) {
                    return Err(Error::invalid(
                        "code",
                        msg!(
                            "region-code-prefix",
                            code = code,
                            digits = shared,
                            parent = parent_code
                        ),
                    ));
                }
                Ok(())
            }
        }
    }
}

/// "CITY or PROVINCE": at most two levels are ever allowed as a parent.
fn join_levels(levels: &[RegionLevel]) -> Message {
    match levels {
        [one] => one.label(),
        [first, second, ..] => msg!("either-or", first = first.label(), second = second.label()),
        [] => msg!("region-no-level"),
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A natural-key code of a department kind, department or category:
/// 1 to 64 characters of ASCII letters, digits, '_', '-' and '.'.
pub fn parse_code(field: &str, input: &str) -> Result<String> {
    let code = input.trim();
    if code.is_empty() {
        return Err(Error::invalid(field, msg!("text-blank")));
    }
    if code.len() > 64 {
        return Err(Error::invalid(
            field,
            msg!("text-too-long", max = 64, given = code.len()),
        ));
    }
    if let Some(bad) = code
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(Error::invalid(
            field,
            msg!("code-character", character = bad),
        ));
    }
    Ok(code.to_owned())
}

/// A required name: trimmed, not blank, at most `max` characters.
pub fn parse_name(field: &str, input: &str, max: usize) -> Result<String> {
    let name = input.trim();
    if name.is_empty() {
        return Err(Error::invalid(field, msg!("text-blank")));
    }
    check_len(field, name, max)?;
    Ok(name.to_owned())
}

/// Optional free text: trimmed, blank becomes absent, at most `max` characters.
pub fn parse_optional_text(field: &str, input: Option<&str>, max: usize) -> Result<Option<String>> {
    match input.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => {
            check_len(field, text, max)?;
            Ok(Some(text.to_owned()))
        }
    }
}

fn check_len(field: &str, text: &str, max: usize) -> Result<()> {
    let len = text.chars().count();
    if len > max {
        return Err(Error::invalid(
            field,
            msg!("text-too-long", max = max, given = len),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Error::invalid(field, msg!("text-control-characters")));
    }
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// An optional field of an upsert: left as it is, cleared, or set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// The field was not given: keep what is stored (on create: the default).
    #[default]
    Keep,
    /// The field was given as null: clear it.
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    /// The value to store, given what is stored now.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Clear => None,
            Patch::Set(value) => Some(value),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(v) => Patch::Set(f(v)),
        }
    }

    pub fn try_map<U>(self, f: impl FnOnce(T) -> Result<Option<U>>) -> Result<Patch<U>> {
        Ok(match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(v) => match f(v)? {
                Some(u) => Patch::Set(u),
                None => Patch::Clear,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn credit_code_accepts_the_standards_examples() {
        for code in ["91350100M000100Y43", "91110000600037341L"] {
            assert_eq!(
                CreditCode::parse("c", code).unwrap().as_str(),
                code,
                "{code}"
            );
        }
    }

    #[test]
    fn credit_code_is_normalised_to_upper_case() {
        let code = CreditCode::parse("c", " 91350100m000100y43 ").unwrap();
        assert_eq!(code.as_str(), "91350100M000100Y43");
    }

    #[test]
    fn credit_code_rejects_a_wrong_check_character() {
        let err = CreditCode::parse("creditCode", "91350100M000100Y44").unwrap_err();
        assert_eq!(err.code(), "BAD_USER_INPUT");
        assert!(err.public_message(Lang::En).contains("'3'"), "{err}");
    }

    #[test]
    fn credit_code_rejects_bad_length_and_letters() {
        let cases = [
            ("91350100M000100Y4", "18 characters"),
            ("91350100M000100Y433", "18 characters"),
            ("91350100I000100Y43", "'I'"),
            ("91350100O000100Y43", "'O'"),
            ("91350100S000100Y43", "'S'"),
            ("91350100V000100Y43", "'V'"),
            ("91350100Z000100Y43", "'Z'"),
            ("91350100中000100Y43", "'中'"),
            ("", "18 characters"),
        ];
        for (input, needle) in cases {
            let err = CreditCode::parse("creditCode", input).unwrap_err();
            assert!(
                err.public_message(Lang::En).starts_with("creditCode: "),
                "{input}: {err}"
            );
            assert!(
                err.public_message(Lang::En).contains(needle),
                "{input}: {err}"
            );
        }
    }

    #[test]
    fn check_character_matches_the_formula_for_every_position() {
        // Changing any one of the first 17 characters changes the check character,
        // because every weight is non-zero modulo 31.
        let base = "91350100M000100Y4";
        let original = CreditCode::check_character(base);
        for i in 0..17 {
            let mut chars: Vec<char> = base.chars().collect();
            chars[i] = if chars[i] == '0' { '1' } else { '0' };
            let changed: String = chars.into_iter().collect();
            assert_ne!(
                CreditCode::check_character(&changed),
                original,
                "position {i}"
            );
        }
    }

    #[test]
    fn region_code_is_six_or_nine_digits() {
        for ok in ["350000", "350102001"] {
            assert!(RegionCode::parse("code", ok).is_ok(), "{ok}");
        }
        for bad in ["35000", "3500000", "35010200", "35000a", "", "３５００００"] {
            assert!(RegionCode::parse("code", bad).is_err(), "{bad}");
        }
    }

    type Parent = Option<(&'static str, RegionLevel)>;

    #[test]
    fn region_placement_follows_gbt_2260() {
        use RegionLevel::*;
        let ok: &[(&str, RegionLevel, Parent)] = &[
            ("350000", Province, None),
            ("350100", City, Some(("350000", Province))),
            ("350102", County, Some(("350100", City))),
            ("359001", County, Some(("350000", Province))),
            ("350102001", Township, Some(("350102", County))),
            ("350102002", Subdistrict, Some(("350102", County))),
        ];
        for (code, level, parent) in ok {
            let rc = RegionCode::parse("code", code).unwrap();
            assert!(rc.check_placement(*level, *parent).is_ok(), "{code}");
        }
        let bad: &[(&str, RegionLevel, Parent, &str)] = &[
            ("350100", Province, None, "0000"),
            ("350000", Province, Some(("350000", Province)), "no parent"),
            ("350100", City, None, "needs a parent"),
            ("360100", City, Some(("350000", Province)), "first 2 digits"),
            ("350102", County, Some(("350200", City)), "first 4 digits"),
            ("350102001", Township, Some(("350000", Province)), "COUNTY"),
            (
                "350103001",
                Township,
                Some(("350102", County)),
                "first 6 digits",
            ),
            ("350102", Township, Some(("350102", County)), "9 digits"),
            ("350102000", Township, Some(("350102", County)), "000"),
            (
                "350100",
                County,
                Some(("350000", Province)),
                "not ending in 00",
            ),
            ("350102", City, Some(("350000", Province)), "followed by 00"),
        ];
        for (code, level, parent, needle) in bad {
            let rc = RegionCode::parse("code", code).unwrap();
            let err = rc.check_placement(*level, *parent).unwrap_err();
            assert!(
                err.public_message(Lang::En).contains(needle),
                "{code}: {err}"
            );
        }
    }

    #[test]
    fn codes_and_names_are_trimmed_and_bounded() {
        assert_eq!(parse_code("code", " EDU_1 ").unwrap(), "EDU_1");
        assert!(parse_code("code", "").is_err());
        assert!(parse_code("code", "a b").is_err());
        assert!(parse_code("code", &"x".repeat(65)).is_err());
        assert_eq!(parse_name("name", "  教育局 ", 10).unwrap(), "教育局");
        assert!(parse_name("name", "   ", 10).is_err());
        assert!(parse_name("name", &"名".repeat(11), 10).is_err());
        assert!(parse_name("name", "a\u{0}b", 10).is_err());
        assert_eq!(parse_optional_text("m", Some("  "), 10).unwrap(), None);
        assert_eq!(parse_optional_text("m", None, 10).unwrap(), None);
    }
}
