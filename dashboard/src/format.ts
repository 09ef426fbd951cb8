// Labels and number formats of the zh-CN interface. Every enum value the API
// returns is shown through one of these tables, never raw: the terms are
// those of the seed (党组织关系隶属, 县（市、区）, 专门组织、专门人员、专门办法 …),
// one term per concept across every view.

export const BASIS_LABEL: Record<string, string> = {
  PARTY_AFFILIATION: '党组织关系隶属',
  SUPERVISING_UNIT: '业务主管单位',
  RULE: '主管责任规则',
  FALLBACK: '乡镇（街道）兜底',
  NONE: '无人负责（盲区）',
};

/** A basis as a person reads it; a basis this dashboard does not know is not shown raw. */
export function basisLabel(basis: string): string {
  return BASIS_LABEL[basis] ?? '其他依据';
}

const GAP_LABEL: Record<string, string> = {
  UNASSIGNED: '无人负责',
  FALLBACK_ONLY: '仅乡镇（街道）兜底',
  MISSING_DEPARTMENT: '缺少主管部门',
  UNRULED_CATEGORY: '无主管规则的类别',
  CONTESTED: '多头管理',
  INCOMPLETE_DEDICATION: '专门组织、专门人员、专门办法不全',
  SHOULD_ESTABLISH: '应建未建',
  CATEGORY_MISMATCH: '类别与代码不符',
};

/** The gap kinds offered as filters, in the order of the schema's enum. */
export const GAP_KINDS = Object.keys(GAP_LABEL);

/** What a person reads for a gap kind the dashboard does not know yet. */
export function gapLabel(kind: string): string {
  return GAP_LABEL[kind] ?? '其他缺口';
}

export const LEVEL_LABEL: Record<string, string> = {
  PROVINCE: '省',
  CITY: '市',
  COUNTY: '县（市、区）',
  TOWNSHIP: '乡镇',
  SUBDISTRICT: '街道',
};

export function levelLabel(level?: string): string {
  return level ? (LEVEL_LABEL[level] ?? '') : '';
}

/**
 * The label of one region shown on its own: the level its code says it is,
 * by GB/T 2260, so that a 县级市 is not called a 县. A county's digits 5–6:
 * 01–20 区, 21–80 县, 81–99 县级市; digits 3–4 of 90 mark a county-level
 * unit under the province itself (省直辖县级行政单位), numbered without those
 * ranges. A township's digits 7–9: 001–099 街道, 100–199 镇, 200–299 乡; the
 * level keeps the last word where the code disagrees with it (a TOWNSHIP is
 * never called a 街道), and a code outside the ranges keeps the level's label.
 */
export function regionKindLabel(region: { code: string; level?: string }): string {
  const { code, level } = region;
  if (level === 'COUNTY' && /^\d{6}$/.test(code)) {
    if (code.slice(2, 4) === '90') return '省直辖县级行政单位';
    const n = Number(code.slice(4, 6));
    if (n >= 1 && n <= 20) return '区';
    if (n >= 21 && n <= 80) return '县';
    if (n >= 81 && n <= 99) return '县级市';
  }
  if (level === 'TOWNSHIP' && /^\d{9}$/.test(code)) {
    const n = Number(code.slice(6, 9));
    if (n >= 100 && n <= 199) return '镇';
    if (n >= 200 && n <= 299) return '乡';
  }
  return levelLabel(level);
}

const PARTY_ORG_LABEL: Record<string, string> = {
  OWN: '单独建立',
  JOINT: '联合建立',
  NONE: '未建立',
};

export function partyOrgLabel(status: string): string {
  return PARTY_ORG_LABEL[status] ?? '—';
}

const ROLE_LABEL: Record<string, string> = {
  COORDINATOR: '牵头协调',
  SUPERVISOR: '主管',
  FALLBACK: '兜底',
};

export function roleLabel(role: string): string {
  return ROLE_LABEL[role] ?? '—';
}

/**
 * Category names that say nothing on their own (协会 of which field?). In a
 * flat list, where the tree's indentation is gone, they carry their
 * parent's name: 学会（教育系统社会组织）.
 */
const BARE_CATEGORY_NAMES = new Set(['协会', '学会', '研究会']);

export interface CategoryRef {
  name: string;
  parent?: { name: string } | null;
}

/** A category's name as a flat list shows it: a bare 协会 / 学会 / 研究会 names its parent. */
export function categoryLabel(category: CategoryRef): string {
  return BARE_CATEGORY_NAMES.has(category.name) && category.parent
    ? `${category.name}（${category.parent.name}）`
    : category.name;
}

const intFmt = new Intl.NumberFormat('zh-CN');

export function int(n: number): string {
  return intFmt.format(n);
}

/** 0.99593 → "99.59%": two decimals, since the rates that matter sit close to 100 %. */
export function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/**
 * A rate over `organizations`: "—" when there are none, since the API's 1.0
 * (0.0 for the fallback share) for an empty subtree is a convention, not a
 * measurement, and 100.00% would read as full coverage.
 */
export function rate(x: number, organizations: number): string {
  return organizations > 0 ? pct(x) : '—';
}

const STATUS_LABEL: Record<string, string> = {
  OPEN: '待整改',
  IN_PROGRESS: '整改中',
  RESOLVED: '已整改',
  VERIFIED: '已验收销号',
};

/** The workflow's steps, in order (整改台账: 待整改 → 整改中 → 已整改 → 已验收销号). */
export const STATUSES = Object.keys(STATUS_LABEL);

export function statusLabel(status: string): string {
  return STATUS_LABEL[status] ?? '其他状态';
}

/** The day of an instant in Asia/Shanghai, where due dates and snapshots are counted: "2026-06-30". */
export function shanghaiDate(at: Date | string = new Date()): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return '';
  // en-CA writes dates as YYYY-MM-DD; no English reaches the page.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** "2026-06-30" → "2026年6月30日"; anything else as "—". */
export function dateLabel(date: string | null | undefined): string {
  const m = date ? /^(\d{4})-(\d{2})-(\d{2})/.exec(date) : null;
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : '—';
}

/** An RFC 3339 instant as read in Asia/Shanghai: "2026年6月30日 08:15". */
export function timeLabel(at: string | null | undefined): string {
  if (!at) return '—';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '—';
  const hm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
  return `${dateLabel(shanghaiDate(d))} ${hm}`;
}

/** The date `days` days before `date` (YYYY-MM-DD), in the calendar, whatever the time zone. */
export function daysBefore(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}
