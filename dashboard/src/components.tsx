import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, cachedGql, describeError } from './api';
import { basisLabel, categoryLabel, type CategoryRef, int, rate } from './format';
import { useQuery } from './hooks';
import { href } from './router';

export function ErrorBox({ error }: { error: unknown }) {
  const { title, message, code } = describeError(error);
  return (
    <div class={`error ${code === 'UNAUTHENTICATED' ? 'error-auth' : ''}`} role="alert" data-error-code={code}>
      <strong>{title}</strong>
      <div class="error-message">{message}</div>
      {code === 'UNAUTHENTICATED' && (
        <button type="button" onClick={() => window.dispatchEvent(new Event('orgmap:need-token'))}>
          填写访问令牌
        </button>
      )}
    </div>
  );
}

export function Loading() {
  return <div class="loading">加载中…</div>;
}

/** A view's frame: its title, and `data-ready` once its data is shown (the e2e tests wait for it). */
export function View(props: { title: string; ready: boolean; children: ComponentChildren; id: string }) {
  return (
    <section class="view" id={props.id} data-ready={props.ready ? 'true' : 'false'}>
      <h1>{props.title}</h1>
      {props.children}
    </section>
  );
}

/** The figures of a CoverageSummary the views show. */
export const FIGURES = `organizations unassigned fallbackOnly responsibilityRate fallbackShare organizationalCoverageRate workCoverageRate shouldEstablish`;

export interface Figures {
  organizations: number;
  unassigned: number;
  fallbackOnly: number;
  responsibilityRate: number;
  fallbackShare: number;
  organizationalCoverageRate: number;
  workCoverageRate: number;
  /** 应建未建. */
  shouldEstablish: number;
  byBasis?: { basis: string; count: number }[];
}

export function FigureCards({ figures }: { figures: Figures }) {
  const n = figures.organizations;
  const cards: [string, string, string, string?][] = [
    ['organizations', '组织数', int(n)],
    ['responsibilityRate', '责任落实率', rate(figures.responsibilityRate, n), n && figures.responsibilityRate < 1 ? 'warn' : 'ok'],
    ['fallbackShare', '兜底占比', rate(figures.fallbackShare, n), figures.fallbackShare > 0 ? 'notice' : undefined],
    ['unassigned', '无人负责（盲区）', int(figures.unassigned), figures.unassigned > 0 ? 'bad' : 'ok'],
    ['organizationalCoverageRate', '党的组织覆盖率', rate(figures.organizationalCoverageRate, n)],
    ['workCoverageRate', '党的工作覆盖率', rate(figures.workCoverageRate, n)],
  ];
  cards.push(['shouldEstablish', '应建未建', int(figures.shouldEstablish), figures.shouldEstablish > 0 ? 'warn' : 'ok']);
  return (
    <div class="cards">
      {cards.map(([key, label, value, tone]) => (
        <div class={`card ${tone ?? ''}`} key={key} data-figure={key}>
          <div class="card-label">{label}</div>
          <div class="card-value">{value}</div>
        </div>
      ))}
    </div>
  );
}

export function BasisBar({ byBasis, total }: { byBasis: { basis: string; count: number }[]; total: number }) {
  if (!total) return null;
  return (
    <div class="basis">
      <div class="basis-bar" aria-hidden="true">
        {byBasis.map((b) =>
          b.count ? <span key={b.basis} class={`basis-${b.basis}`} style={{ width: `${(b.count / total) * 100}%` }} /> : null,
        )}
      </div>
      <ul class="basis-legend">
        {byBasis.map((b) => (
          <li key={b.basis} data-basis={b.basis}>
            <i class={`basis-${b.basis}`} />
            {basisLabel(b.basis)}：{int(b.count)}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Pager(props: {
  page: number;
  total: number;
  pageSize: number;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
}) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <div class="pager">
      <button type="button" disabled={props.page <= 1} onClick={props.onPrev}>
        上一页
      </button>
      <span class="pager-status">
        第 {props.page} / {pages} 页，共 {int(props.total)} 条
      </span>
      <button type="button" disabled={!props.hasNext} onClick={props.onNext}>
        下一页
      </button>
    </div>
  );
}

export interface RegionRef {
  code: string;
  name: string;
  level?: string;
}

/** 全部地区 › 东海省 › 嘉田市, each linking to the same view at that region. */
export function Breadcrumb({ trail, view }: { trail: RegionRef[]; view: string }) {
  return (
    <nav class="breadcrumb" aria-label="地区路径">
      <a href={href([view])}>全部地区</a>
      {trail.map((r, i) => (
        <span key={r.code}>
          {' › '}
          {i === trail.length - 1 ? <strong>{r.name}</strong> : <a href={href([view, r.code])}>{r.name}</a>}
        </span>
      ))}
    </nav>
  );
}

export function RegionLink({ region }: { region?: RegionRef | null }) {
  if (!region) return <span class="muted">—</span>;
  return <a href={href(['region', region.code])}>{region.name}</a>;
}

export function DeptLink({ dept }: { dept?: { code: string; name: string } | null }) {
  if (!dept) return <span class="muted">—</span>;
  return <a href={href(['dept', dept.code])}>{dept.name}</a>;
}

// ---------- the region trail of a view ----------

const TRAIL = `query Trail($code: String!) { region(code: $code) { code name level ancestors { code name level } children { code name level } } }`;

export interface TrailData {
  region: (RegionRef & { ancestors: RegionRef[]; children: RegionRef[] }) | null;
}

/** Breadcrumb plus a drop-down of the child regions, for views scoped to a region. */
export function RegionScope({ code, view, extra }: { code?: string; view: string; extra?: Record<string, string> }) {
  const trail = useQuery<TrailData>(TRAIL, { code: code ?? '' }, !code);
  const provinces = useQuery<{ regions: { edges: { node: RegionRef }[] } }>(PROVINCES, {}, !!code);
  const region = trail.data?.region;
  const children = code ? (region?.children ?? []) : (provinces.data?.regions.edges.map((e) => e.node) ?? []);
  if (trail.error) return <ErrorBox error={trail.error} />;
  if (code && trail.data && !region) return <ErrorBox error={new ApiError('NOT_FOUND', `没有编码为 ${code} 的地区。`)} />;
  return (
    <div class="scope">
      <Breadcrumb trail={region ? [...region.ancestors, region] : []} view={view} />
      {children.length > 0 && (
        <label class="drill">
          下级地区：
          <select
            aria-label="下级地区"
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              if (v) location.hash = href([view, v], extra ?? {});
            }}
          >
            <option value="">请选择…</option>
            {children.map((c) => (
              <option value={c.code} key={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}

export const PROVINCES = `query Provinces { regions(level: PROVINCE, first: 1000) { edges { node { code name level } } } }`;

// ---------- pickers used by the forms ----------

const CHILDREN = `query Children($code: String!) { region(code: $code) { children { code name level } } }`;
const ANCESTORS = `query Ancestors($code: String!) { region(code: $code) { code ancestors { code } } }`;

async function childrenOf(code: string | null): Promise<RegionRef[]> {
  if (!code) {
    const d = await cachedGql<{ regions: { edges: { node: RegionRef }[] } }>(PROVINCES);
    return d.regions.edges.map((e) => e.node);
  }
  const d = await cachedGql<{ region: { children: RegionRef[] } | null }>(CHILDREN, { code });
  return d.region?.children ?? [];
}

/** Cascading selects: province → city → county → township. Empty value: no region. */
export function RegionPicker(props: { value: string; onChange: (code: string) => void; label: string; emptyLabel: string }) {
  const [path, setPath] = useState<string[]>([]);
  const [options, setOptions] = useState<RegionRef[][]>([]);
  useEffect(() => {
    let live = true;
    (async () => {
      let chain: string[] = [];
      if (props.value) {
        const d = await cachedGql<{ region: { code: string; ancestors: { code: string }[] } | null }>(ANCESTORS, {
          code: props.value,
        });
        if (d.region) chain = [...d.region.ancestors.map((a) => a.code), d.region.code];
      }
      const lists = await Promise.all([null, ...chain].map((c) => childrenOf(c)));
      if (live) {
        setPath(chain);
        setOptions(lists.filter((l, i) => l.length > 0 || i === 0));
      }
    })().catch(() => live && setOptions([]));
    return () => {
      live = false;
    };
  }, [props.value]);
  return (
    <fieldset class="region-picker">
      <legend>{props.label}</legend>
      {options.map((list, i) => (
        <select
          key={i}
          aria-label={`${props.label}（第 ${i + 1} 级）`}
          value={path[i] ?? ''}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            props.onChange(v || (i > 0 ? path[i - 1] : ''));
          }}
        >
          <option value="">{i === 0 ? props.emptyLabel : '（本级）'}</option>
          {list.map((r) => (
            <option value={r.code} key={r.code}>
              {r.name}
            </option>
          ))}
        </select>
      ))}
    </fieldset>
  );
}

export interface CategoryNode {
  code: string;
  name: string;
  description?: string | null;
  children?: CategoryNode[];
}

export const CATEGORIES = `query Categories { categories { ...C children { ...C children { ...C children { ...C children { ...C } } } } } } fragment C on Category { code name description }`;

export interface FlatCategory {
  code: string;
  name: string;
  description?: string | null;
  depth: number;
  parent: boolean;
  /** The category above, for a flat list's label (categoryLabel). */
  up: { name: string } | null;
}

/** The category tree, depth first, with each one's depth and parent. */
export function flattenCategories(roots: CategoryNode[]): FlatCategory[] {
  const out: FlatCategory[] = [];
  const walk = (nodes: CategoryNode[], depth: number, up: { name: string } | null) => {
    for (const n of nodes) {
      out.push({ code: n.code, name: n.name, description: n.description, depth, parent: !!n.children?.length, up });
      if (n.children) walk(n.children, depth + 1, { name: n.name });
    }
  };
  walk(roots, 0, null);
  return out;
}

/**
 * A category's name where it is shown in a flat list (a table cell, a rule),
 * with its description, when it has one, as the tooltip: what belongs under it.
 */
export function CategoryName({ category }: { category: (CategoryRef & { description?: string | null }) | null | undefined }) {
  if (!category) return <span class="muted">—</span>;
  return (
    <span class={category.description ? 'category described' : 'category'} title={category.description ?? undefined}>
      {categoryLabel(category)}
    </span>
  );
}

/** The chosen category's description, under a category picker or heading. */
export function CategoryDescription({ description }: { description?: string | null }) {
  if (!description) return null;
  return <p class="category-description small">归类说明：{description}</p>;
}

/** A labelled drop-down of the forms; the first option, empty, asks for a choice. */
function LabelledSelect(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  prompt: string;
  options: { value: string; text: string; title?: string }[];
}) {
  return (
    <label class="field">
      {props.label}
      <select
        aria-label={props.label}
        value={props.value}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        <option value="">{props.prompt}</option>
        {props.options.map((o) => (
          <option value={o.value} key={o.value} title={o.title}>
            {o.text}
          </option>
        ))}
      </select>
    </label>
  );
}

export function CategorySelect(props: { value: string; onChange: (code: string) => void; label: string }) {
  const q = useQuery<{ categories: CategoryNode[] }>(CATEGORIES, {});
  const list = q.data ? flattenCategories(q.data.categories) : [];
  const chosen = list.find((c) => c.code === props.value);
  return (
    <div class="field category-field">
      <LabelledSelect
        {...props}
        prompt="请选择类别…"
        options={list.map((c) => ({ value: c.code, text: '\u3000'.repeat(c.depth) + c.name, title: c.description ?? undefined }))}
      />
      <CategoryDescription description={chosen?.description} />
    </div>
  );
}

export const KINDS = `query Kinds { departmentKinds { code name role } }`;

export interface Kind {
  code: string;
  name: string;
  role: string;
}

export function KindSelect(props: { value: string; onChange: (code: string) => void; label: string }) {
  const q = useQuery<{ departmentKinds: Kind[] }>(KINDS, {});
  return (
    <LabelledSelect
      {...props}
      prompt="请选择部门条线…"
      options={(q.data?.departmentKinds ?? []).map((k) => ({ value: k.code, text: k.name }))}
    />
  );
}
