// Labels and number formats of the zh-CN interface.

export const BASIS_LABEL: Record<string, string> = {
  PARTY_AFFILIATION: '党组织隶属',
  SUPERVISING_UNIT: '业务主管单位',
  RULE: '主管责任规则',
  FALLBACK: '乡镇街道兜底',
  NONE: '无人负责（盲区）',
};

export const GAP_LABEL: Record<string, string> = {
  UNASSIGNED: '无人负责',
  FALLBACK_ONLY: '仅兜底',
  MISSING_DEPARTMENT: '缺少主管部门',
  UNRULED_CATEGORY: '类别无规则',
  CONTESTED: '多头管理',
  INCOMPLETE_DEDICATION: '“三专”不全',
};

export const GAP_KINDS = Object.keys(GAP_LABEL);

export const LEVEL_LABEL: Record<string, string> = {
  PROVINCE: '省',
  CITY: '市',
  COUNTY: '县（区）',
  TOWNSHIP: '乡镇',
  SUBDISTRICT: '街道',
};

export const PARTY_ORG_LABEL: Record<string, string> = {
  OWN: '单独建立',
  JOINT: '联合建立',
  NONE: '未建立',
};

export const ROLE_LABEL: Record<string, string> = {
  COORDINATOR: '牵头协调',
  SUPERVISOR: '主管',
  FALLBACK: '兜底',
};

const intFmt = new Intl.NumberFormat('zh-CN');

export function int(n: number): string {
  return intFmt.format(n);
}

/** 0.99593 → "99.59%": two decimals, since the rates that matter sit close to 100 %. */
export function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
