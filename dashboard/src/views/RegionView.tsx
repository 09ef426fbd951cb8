import { useState } from 'preact/hooks';
import type { QueryState } from '../hooks';
import { aliasedBatch, ApiError, literal } from '../api';
import {
  BasisBar,
  Breadcrumb,
  DeptLink,
  ErrorBox,
  FIGURES,
  FigureCards,
  type Figures,
  Loading,
  type RegionRef,
  View,
} from '../components';
import { dateLabel, int, rate, regionKindLabel, timeLabel } from '../format';
import { useAsk, useQuery } from '../hooks';
import { href, navigate } from '../router';
import { DatePicker, pointFigures, TrendCharts, useSnapshots } from './Trends';

const ROOT = `query RootCoverage {
  coverage { ${FIGURES} byBasis { basis count } }
  regions(level: PROVINCE, first: 1000) { edges { node { code name level coverage { ${FIGURES} } } } }
}`;

const REGION = `query RegionCoverage($code: String!) {
  region(code: $code) {
    code name level
    ancestors { code name level }
    coordinator { code name }
    coverage { ${FIGURES} byBasis { basis count } }
    children { code name level coverage { ${FIGURES} } }
  }
}`;

type Child = RegionRef & { coverage: Figures };

interface RegionData {
  region:
    | (RegionRef & {
        ancestors: RegionRef[];
        coordinator: { code: string; name: string } | null;
        coverage: Figures;
        children: Child[];
      })
    | null;
}

interface RootData {
  coverage: Figures;
  regions: { edges: { node: Child }[] };
}

type Key = 'worst' | 'name' | keyof Figures;

/** Per column: which way is worse (shown first on the first click). */
const COLUMNS: { key: Key; label: string; worse: 'asc' | 'desc' }[] = [
  { key: 'name', label: '地区', worse: 'asc' },
  { key: 'organizations', label: '组织数', worse: 'desc' },
  { key: 'responsibilityRate', label: '责任落实率', worse: 'asc' },
  { key: 'fallbackShare', label: '兜底占比', worse: 'desc' },
  { key: 'unassigned', label: '无人负责', worse: 'desc' },
  { key: 'organizationalCoverageRate', label: '党的组织覆盖率', worse: 'asc' },
  { key: 'workCoverageRate', label: '党的工作覆盖率', worse: 'asc' },
  { key: 'shouldEstablish', label: '应建未建', worse: 'desc' },
];

/** Worst first: lowest responsibility rate, then most unassigned, then most fallback, then lowest work coverage. */
function worstFirst(a: Figures, b: Figures): number {
  return (
    a.responsibilityRate - b.responsibilityRate ||
    b.unassigned - a.unassigned ||
    b.fallbackShare - a.fallbackShare ||
    a.workCoverageRate - b.workCoverageRate
  );
}

function sortChildren(children: Child[], key: Key, dir: 'asc' | 'desc'): Child[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...children].sort((a, b) => {
    let c: number;
    if (key === 'worst') c = worstFirst(a.coverage, b.coverage);
    else if (key === 'name') c = sign * a.code.localeCompare(b.code);
    else c = sign * ((a.coverage[key] as number) - (b.coverage[key] as number)) || worstFirst(a.coverage, b.coverage);
    return c || a.code.localeCompare(b.code);
  });
}

/**
 * A cell tinted by how weak it is among its siblings: the worst of the
 * column is the most red, the better half is white, so weak spots stand out.
 */
function tint(value: number, all: number[], worse: 'asc' | 'desc'): { style?: Record<string, string>; weak: boolean } {
  const min = Math.min(...all);
  const max = Math.max(...all);
  if (max === min) return { weak: false };
  const badness = worse === 'asc' ? (max - value) / (max - min) : (value - min) / (max - min);
  // Only the worse half of the range is tinted, so that the weakest few stand out.
  const alpha = Math.max(0, badness - 0.5) * 2 * 0.36;
  return { style: alpha > 0 ? { background: `rgba(229, 62, 62, ${alpha.toFixed(3)})` } : undefined, weak: badness > 0.8 };
}

function FigureCell(props: { rows: Child[]; row: Child; figure: keyof Figures; worse: 'asc' | 'desc'; text: string }) {
  const value = props.row.coverage[props.figure] as number;
  // A region with no organizations has no rates to compare ("—"): it is
  // neither tinted nor part of the range its siblings are tinted against.
  const measured = props.rows.filter((r) => r.coverage.organizations > 0);
  const { style, weak } =
    props.row.coverage.organizations > 0
      ? tint(value, measured.map((r) => r.coverage[props.figure] as number), props.worse)
      : { style: undefined, weak: false };
  return (
    <td class={`num ${weak ? 'weak' : ''}`} style={style} data-figure={props.figure}>
      {props.text}
    </td>
  );
}

/** Overdue ledger items per child region (undefined: not asked, as on a past day). */
type Overdue = QueryState<Map<string, { overdue: number }>> | undefined;

function OverdueCell({ code, overdue }: { code: string; overdue: NonNullable<Overdue> }) {
  const n = overdue.data?.get(code)?.overdue;
  if (n === undefined) return <td class="num muted" data-figure="overdue">—</td>;
  return (
    <td class={`num ${n > 0 ? 'weak overdue' : ''}`} data-figure="overdue">
      {n > 0 ? <a href={href(['ledger', code], { overdue: '1' })}>{int(n)}</a> : '0'}
    </td>
  );
}

function ChildTable({ children, childLabel, overdue }: { children: Child[]; childLabel: string; overdue: Overdue }) {
  const [sort, setSort] = useState<{ key: Key; dir: 'asc' | 'desc' }>({ key: 'worst', dir: 'asc' });
  const rows = sortChildren(children, sort.key, sort.dir);
  const clickHeader = (key: Key, worse: 'asc' | 'desc') =>
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: worse }));
  return (
    <div class="table-wrap">
      <div class="table-caption">
        {childLabel}（{children.length}）
        {sort.key === 'worst' ? <span class="muted">：按薄弱程度排序，最薄弱在前</span> : null}
        {sort.key !== 'worst' && (
          <button type="button" class="link-button" onClick={() => setSort({ key: 'worst', dir: 'asc' })}>
            恢复“最薄弱在前”
          </button>
        )}
      </div>
      <table class="data children-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                class={c.key === 'name' ? '' : 'num'}
                aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button type="button" class="sort" data-sort={c.key} onClick={() => clickHeader(c.key, c.worse)}>
                  {c.label}
                  {sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}
            {overdue && (
              <th class="num" title="整改台账中已过整改期限、尚未整改完成的事项数">
                超期整改事项
              </th>
            )}
            <th>查看</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.code} data-code={r.code}>
              <td>
                <a href={href(['region', r.code])} class="region-link">
                  {r.name}
                </a>{' '}
                <span class="muted small">
                  {regionKindLabel(r)} <span translate={false}>{r.code}</span>
                </span>
              </td>
              <td class="num" data-figure="organizations">{int(r.coverage.organizations)}</td>
              <FigureCell rows={rows} row={r} figure="responsibilityRate" worse="asc" text={rate(r.coverage.responsibilityRate, r.coverage.organizations)} />
              <FigureCell rows={rows} row={r} figure="fallbackShare" worse="desc" text={rate(r.coverage.fallbackShare, r.coverage.organizations)} />
              <FigureCell rows={rows} row={r} figure="unassigned" worse="desc" text={int(r.coverage.unassigned)} />
              <FigureCell
                rows={rows}
                row={r}
                figure="organizationalCoverageRate"
                worse="asc"
                text={rate(r.coverage.organizationalCoverageRate, r.coverage.organizations)}
              />
              <FigureCell rows={rows} row={r} figure="workCoverageRate" worse="asc" text={rate(r.coverage.workCoverageRate, r.coverage.organizations)} />
              <FigureCell rows={rows} row={r} figure="shouldEstablish" worse="desc" text={int(r.coverage.shouldEstablish)} />
              {overdue && <OverdueCell code={r.code} overdue={overdue} />}
              <td class="small">
                <a href={href(['matrix', r.code])}>矩阵</a> · <a href={href(['gaps', r.code])}>缺口</a> ·{' '}
                <a href={href(['ledger', r.code])}>台账</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const CHILD_LABEL: Record<string, string> = {
  PROVINCE: '下辖市',
  CITY: '下辖县（市、区）',
  COUNTY: '下辖乡镇（街道）',
};

/** What a region's children are called; a province may also hold county-level units directly. */
function childrenLabel(region: RegionRef, children: Child[]): string {
  if (region.level === 'PROVINCE' && children.some((c) => c.level === 'COUNTY')) return '下辖市、省直辖县级行政单位';
  return CHILD_LABEL[region.level ?? ''] ?? '下级地区';
}

/** The overdue items of each child region, from its ledger summary: one request for all of them. */
function useOverdue(codes: string[], skip: boolean): QueryState<Map<string, { overdue: number }>> {
  return useAsk(
    `overdue\u0000${codes.join(',')}`,
    () => aliasedBatch<{ overdue: number }>((c) => `rectificationSummary(regionCode: ${literal(c)}) { overdue }`, codes),
    skip || codes.length === 0,
  );
}

export function RegionView({ code, on }: { code?: string; on?: string }) {
  const root = useQuery<RootData>(ROOT, {}, !!code);
  const one = useQuery<RegionData>(REGION, { code: code ?? '' }, !code);
  const q = code ? one : root;
  const current = code ? one.data?.region?.children : root.data?.regions.edges.map((e) => e.node);
  const childCodes = (current ?? []).map((c) => c.code);
  const overdue = useOverdue(childCodes, !!on || !current);
  // On a past day: the region's own snapshot ('' for the whole data set) and its children's, in one request.
  const snapshots = useSnapshots(current ? [code ?? '', ...childCodes] : [], on);
  const setDate = (date?: string) => navigate(href(['region', code], { on: date }));
  let body;
  let title = '区域概览';
  if (q.error) body = <ErrorBox error={q.error} />;
  else if (!q.data) body = <Loading />;
  else if (code && !one.data?.region) body = <ErrorBox error={new ApiError('NOT_FOUND', `没有编码为 ${code} 的地区。`)} />;
  else {
    const region = one.data?.region;
    const now = region ? region.coverage : root.data!.coverage;
    const children = region ? region.children : root.data!.regions.edges.map((e) => e.node);
    title = region ? `区域概览 · ${region.name}` : '区域概览 · 全部地区';
    let figures: Figures | undefined = now;
    let shownChildren = children;
    let past = null;
    if (on) {
      const own = snapshots.data?.get(code ?? '');
      figures = own ? pointFigures(own) : undefined;
      shownChildren = children.flatMap((c) => {
        const p = snapshots.data?.get(c.code);
        return p ? [{ ...c, coverage: pointFigures(p) }] : [];
      });
      past = snapshots.error ? (
        <ErrorBox error={snapshots.error} />
      ) : !snapshots.data ? (
        <Loading />
      ) : own ? (
        <p class="past-note" data-past={on}>
          以下为{dateLabel(on)}的情况（快照记录于{timeLabel(own.at)}），非当前数据。
          {shownChildren.length < children.length && `其中 ${children.length - shownChildren.length} 个下级地区当日没有快照，未列出。`}
        </p>
      ) : (
        <p class="past-note none" data-past={on} data-snapshot="none">
          {dateLabel(on)}没有覆盖情况快照，无法显示本地区当日的情况。请另选日期，或点击变化趋势折线上已有快照的日期。
        </p>
      );
    }
    body = (
      <>
        <Breadcrumb trail={region ? [...region.ancestors, region] : []} view="region" />
        {region && (
          <p class="meta">
            {regionKindLabel(region)} · 编码 <span translate={false}>{region.code}</span> · 牵头协调：<DeptLink dept={region.coordinator} /> ·{' '}
            <a href={href(['matrix', region.code])}>责任矩阵</a> · <a href={href(['gaps', region.code])}>覆盖缺口</a> ·{' '}
            <a href={href(['ledger', region.code])}>整改台账</a>
          </p>
        )}
        <DatePicker value={on} onChange={setDate} />
        {past}
        {figures && <FigureCards figures={figures} />}
        {!on && now.byBasis && <BasisBar byBasis={now.byBasis} total={now.organizations} />}
        <TrendCharts code={code} marked={on} onPick={setDate} />
        {figures && shownChildren.length > 0 ? (
          <ChildTable
            key={`${region?.code ?? ''}|${on ?? ''}`}
            children={shownChildren}
            childLabel={region ? childrenLabel(region, children) : '省'}
            overdue={on ? undefined : overdue}
          />
        ) : children.length === 0 ? (
          <p class="muted">本地区没有下级地区。</p>
        ) : null}
      </>
    );
  }
  const ready = !!q.data && !q.loading && (!on || !!snapshots.data || !!snapshots.error);
  return (
    <View id="region-view" title={title} ready={ready}>
      {body}
    </View>
  );
}
