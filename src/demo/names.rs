//! The demo's made-up names: two-syllable place names, unique among the
//! children of one parent as GB/T 2260 requires, and people's names for
//! the departments' staff.

use std::collections::HashSet;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

const SYLLABLES: [&str; 48] = [
    "安", "宁", "平", "江", "河", "山", "海", "云", "龙", "凤", "金", "石", "清", "泉", "阳", "溪",
    "林", "桥", "新", "东", "西", "南", "北", "华", "兴", "永", "长", "德", "福", "明", "和", "丰",
    "源", "岭", "湖", "湾", "坪", "田", "松", "梅", "竹", "沙", "浦", "塘", "峰", "庆", "泰", "嘉",
];

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "林", "何", "高", "罗",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "秀英", "建华", "海燕", "志强",
];

/// One of `options`, at random.
pub(super) fn pick<'a>(rng: &mut ChaCha8Rng, options: &[&'a str]) -> &'a str {
    options[rng.random_range(0..options.len())]
}

/// Two distinct syllables: a place name or a trade name (字号).
pub(super) fn two_syllables(rng: &mut ChaCha8Rng) -> String {
    loop {
        let a = pick(rng, &SYLLABLES);
        let b = pick(rng, &SYLLABLES);
        if a != b {
            return format!("{a}{b}");
        }
    }
}

/// A person's name.
pub(super) fn person(rng: &mut ChaCha8Rng) -> String {
    format!("{}{}", pick(rng, &SURNAMES), pick(rng, &GIVEN))
}

/// The names already given among one parent's children.
#[derive(Default)]
pub(super) struct Siblings(HashSet<String>);

impl Siblings {
    /// A place name with `suffix` that no sibling carries yet. There are
    /// 2,256 two-syllable names and a parent has a few dozen children at
    /// most, so a free one is found within a few tries.
    pub(super) fn fresh(&mut self, rng: &mut ChaCha8Rng, suffix: &str) -> String {
        loop {
            let name = format!("{}{suffix}", two_syllables(rng));
            if self.0.insert(name.clone()) {
                return name;
            }
        }
    }
}
