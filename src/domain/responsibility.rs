//! Who is responsible for an organization: the stored resolution, the
//! departments that contest it, and the explanation of each step in words.

use entity::{organization, responsibility};
use sea_orm::ActiveEnum;

use crate::i18n::Message;
use crate::msg;

pub use entity::enums::Basis;

/// The basis stored as `text`; text that names no step reads as NONE, as a
/// resolution that found nobody.
pub fn basis_of(text: &str) -> Basis {
    Basis::try_from_value(&text.to_owned()).unwrap_or(Basis::None)
}

/// A resolved responsibility: what the engine stores per organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub basis: Basis,
    pub department_id: Option<i32>,
    pub kind_id: Option<i32>,
    /// The rule in force for the category at the location, whether or not it decided.
    pub rule_id: Option<i32>,
    /// The department that rule names, when its kind has one up the chain.
    pub rule_department_id: Option<i32>,
    /// The fallback of the location (its department of a FALLBACK-role
    /// kind), when there is one.
    pub fallback_department_id: Option<i32>,
    pub party_affiliation_id: Option<i32>,
    pub supervising_department_id: Option<i32>,
}

impl Resolution {
    /// The resolution stored for an organization: its `stored` row of
    /// `responsibility` with the claims its own row makes.
    pub fn of(org: &organization::Model, stored: &responsibility::Model) -> Self {
        Resolution {
            basis: basis_of(&stored.basis),
            department_id: stored.department_id,
            kind_id: stored.kind_id,
            rule_id: stored.rule_id,
            rule_department_id: stored.rule_department_id,
            fallback_department_id: stored.fallback_department_id,
            party_affiliation_id: org.party_affiliation_id,
            supervising_department_id: org.supervising_department_id,
        }
    }

    /// The other distinct departments that steps 1-3 name, in step order.
    /// The fallback never contests.
    pub fn contested_by(&self) -> Vec<i32> {
        let mut others = Vec::new();
        for id in [
            self.party_affiliation_id,
            self.supervising_department_id,
            self.rule_department_id,
        ]
        .into_iter()
        .flatten()
        {
            if Some(id) != self.department_id && !others.contains(&id) {
                others.push(id);
            }
        }
        others
    }
}

/// A named thing in an explanation: 福州市（350100）, "福州市 (350100)".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub code: String,
}

impl Named {
    /// The `<prefix>_code` and `<prefix>_name` columns of a joined row;
    /// None when the join found nothing.
    pub fn from_row(
        row: &sea_orm::QueryResult,
        prefix: &str,
    ) -> Result<Option<Named>, sea_orm::DbErr> {
        let code: Option<String> = row.try_get("", &format!("{prefix}_code"))?;
        let name: Option<String> = row.try_get("", &format!("{prefix}_name"))?;
        Ok(code.zip(name).map(|(code, name)| Named { name, code }))
    }

    /// The name and its code, as each language brackets them.
    pub fn message(&self) -> Message {
        named(&self.name, &self.code)
    }
}

/// A name and its code, as each language brackets them.
pub fn named(name: &str, code: &str) -> Message {
    msg!("named", name = name, code = code)
}

/// Everything an explanation names, looked up by the caller.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub category: Named,
    pub location: Named,
    pub location_is_township: bool,
    /// Present when it differs from the location.
    pub administering: Option<Named>,
    pub party_affiliation: Option<Named>,
    pub supervising: Option<Named>,
    pub rule: Option<RuleFacts>,
    pub rule_department: Option<Named>,
    pub fallback: Option<Named>,
    pub department: Option<Named>,
}

#[derive(Clone, Debug, Default)]
pub struct RuleFacts {
    pub category: Named,
    /// None: the rule holds everywhere.
    pub scope: Option<Named>,
    pub kind: Named,
}

/// The step that decided, as a person reads it: 党组织关系隶属 in Chinese,
/// the identifier in English.
pub fn basis_label(basis: Basis) -> Message {
    match basis {
        Basis::PartyAffiliation => msg!("basis-party-affiliation"),
        Basis::SupervisingUnit => msg!("basis-supervising-unit"),
        Basis::Rule => msg!("basis-rule"),
        Basis::Fallback => msg!("basis-fallback"),
        Basis::None => msg!("basis-none"),
    }
}

/// The steps taken, in words, so that a person can check the answer by
/// hand; rendered in the reader's language where it is shown.
pub fn explain(resolution: &Resolution, facts: &Facts) -> Vec<Message> {
    let mut steps = Vec::new();
    let mut decided: Option<&Named> = None;
    // Step 1.
    match &facts.party_affiliation {
        Some(d) => {
            steps.push(msg!(
                "explain-affiliation-decides",
                department = d.message()
            ));
            decided = Some(d);
        }
        None => steps.push(msg!("explain-affiliation-none")),
    }
    // Step 2.
    match (&facts.supervising, decided) {
        (None, _) => steps.push(msg!("explain-supervising-none")),
        (Some(d), None) => {
            steps.push(msg!(
                "explain-supervising-decides",
                department = d.message()
            ));
            decided = Some(d);
        }
        (Some(d), Some(first)) if d == first => {
            steps.push(msg!("explain-supervising-same", department = d.message()))
        }
        (Some(d), Some(_)) => steps.push(msg!(
            "explain-supervising-contests",
            department = d.message()
        )),
    }
    // Step 3.
    let place = &facts.location;
    match &facts.rule {
        None => steps.push(msg!(
            "explain-rule-none",
            category = facts.category.message(),
            place = place.message()
        )),
        Some(rule) => {
            let scope = match &rule.scope {
                Some(scope) => msg!("explain-scope-region", region = scope.message()),
                None => msg!("explain-scope-everywhere"),
            };
            let inherited = if rule.category.code == facts.category.code {
                msg!("explain-not-inherited")
            } else {
                msg!("explain-inherited", category = facts.category.message())
            };
            steps.push(msg!(
                "explain-rule",
                category = rule.category.message(),
                inherited = inherited,
                scope = scope,
                place = place.message(),
                kind = rule.kind.message()
            ));
            let admin = facts.administering.as_ref().unwrap_or(place).message();
            let admin_word = if facts.administering.is_some() {
                msg!("explain-administering-region")
            } else {
                msg!("explain-own-region")
            };
            let kind = rule.kind.code.as_str();
            let kind_name = rule.kind.name.as_str();
            match (&facts.rule_department, decided) {
                (None, _) => steps.push(msg!(
                    "explain-rule-missing-department",
                    kind_code = kind,
                    kind_name = kind_name,
                    admin = admin,
                    admin_word = admin_word
                )),
                (Some(d), None) => {
                    steps.push(msg!(
                        "explain-rule-department-decides",
                        kind_code = kind,
                        kind_name = kind_name,
                        admin = admin,
                        admin_word = admin_word,
                        department = d.message()
                    ));
                    decided = Some(d);
                }
                (Some(d), Some(first)) if d == first => steps.push(msg!(
                    "explain-rule-department-same",
                    kind_code = kind,
                    kind_name = kind_name,
                    admin = admin,
                    department = d.message()
                )),
                (Some(d), Some(_)) => steps.push(msg!(
                    "explain-rule-department-contests",
                    kind_code = kind,
                    kind_name = kind_name,
                    admin = admin,
                    department = d.message()
                )),
            }
        }
    }
    // Step 4, reached only when nothing decided.
    if decided.is_none() {
        match (&facts.fallback, facts.location_is_township) {
            (Some(d), _) => {
                steps.push(msg!(
                    "explain-fallback-decides",
                    department = d.message(),
                    place = place.message()
                ));
                decided = Some(d);
            }
            (None, true) => steps.push(msg!("explain-fallback-none", place = place.message())),
            (None, false) => steps.push(msg!(
                "explain-fallback-not-township",
                place = place.message()
            )),
        }
    }
    match (decided, resolution.basis) {
        (_, Basis::None) | (None, _) => steps.push(msg!("explain-result-nobody")),
        (Some(d), basis) => steps.push(msg!(
            "explain-result",
            department = d.message(),
            basis = basis_label(basis)
        )),
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn english(steps: Vec<Message>) -> Vec<String> {
        steps.iter().map(|step| step.render(Lang::En)).collect()
    }

    fn named(name: &str) -> Named {
        Named {
            name: name.to_owned(),
            code: name.to_uppercase(),
        }
    }

    fn resolution() -> Resolution {
        Resolution {
            basis: Basis::None,
            department_id: None,
            kind_id: None,
            rule_id: None,
            rule_department_id: None,
            fallback_department_id: None,
            party_affiliation_id: None,
            supervising_department_id: None,
        }
    }

    #[test]
    fn contested_by_lists_other_distinct_claimants_in_step_order() {
        let r = Resolution {
            basis: Basis::PartyAffiliation,
            department_id: Some(1),
            party_affiliation_id: Some(1),
            supervising_department_id: Some(2),
            rule_department_id: Some(2),
            fallback_department_id: Some(3),
            ..resolution()
        };
        assert_eq!(r.contested_by(), vec![2]);
        let same = Resolution {
            supervising_department_id: Some(1),
            rule_department_id: Some(1),
            ..r
        };
        assert!(same.contested_by().is_empty());
    }

    #[test]
    fn a_blind_spot_explains_every_step_and_ends_with_nobody() {
        let facts = Facts {
            category: named("two_new"),
            location: named("county"),
            ..Facts::default()
        };
        let steps = english(explain(&resolution(), &facts));
        assert_eq!(steps.len(), 5, "{steps:?}");
        assert!(steps[2].contains("no rule"), "{steps:?}");
        assert!(steps[3].contains("not in a township"), "{steps:?}");
        assert!(steps[4].contains("blind spot"), "{steps:?}");
    }

    #[test]
    fn a_township_without_a_fallback_is_told_by_the_role_not_a_kind_code() {
        let facts = Facts {
            category: named("two_new"),
            location: named("town"),
            location_is_township: true,
            ..Facts::default()
        };
        let steps = english(explain(&resolution(), &facts));
        assert_eq!(
            steps[3],
            "4. Fallback (乡镇、街道兜底): town (TOWN) has no department of a FALLBACK-role kind."
        );
    }

    #[test]
    fn a_missing_department_is_said_and_the_fallback_decides() {
        let facts = Facts {
            category: named("school"),
            location: named("town"),
            location_is_township: true,
            rule: Some(RuleFacts {
                category: named("edu"),
                scope: None,
                kind: named("education"),
            }),
            fallback: Some(named("town office")),
            ..Facts::default()
        };
        let r = Resolution {
            basis: Basis::Fallback,
            department_id: Some(9),
            ..resolution()
        };
        let steps = english(explain(&r, &facts));
        assert!(steps[2].contains("inherited by"), "{steps:?}");
        assert!(steps[3].contains("missing department"), "{steps:?}");
        assert!(
            steps[4].contains("town office (TOWN OFFICE) of town"),
            "{steps:?}"
        );
        assert!(steps[5].contains("basis FALLBACK"), "{steps:?}");
    }

    #[test]
    fn the_chinese_explanation_numbers_its_steps_and_brackets_names_in_full_width() {
        let facts = Facts {
            category: Named {
                name: "民办学校".to_owned(),
                code: "PRIVATE_SCHOOL".to_owned(),
            },
            location: Named {
                name: "鼓楼区".to_owned(),
                code: "350102".to_owned(),
            },
            ..Facts::default()
        };
        let steps: Vec<String> = explain(&resolution(), &facts)
            .iter()
            .map(|step| step.render(Lang::Zh))
            .collect();
        assert_eq!(
            steps,
            [
                "一、党组织关系隶属：未登记。",
                "二、业务主管单位：未登记。",
                "三、主管规则：鼓楼区（350102）没有适用于民办学校（PRIVATE_SCHOOL）及其上级类别的主管规则。",
                "四、乡镇（街道）兜底：该组织位于鼓楼区（350102），不在乡镇（街道），无兜底部门。",
                "结论：无责任部门，属盲区。",
            ]
        );
    }
}
