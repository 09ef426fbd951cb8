import { useEffect, useRef, useState } from 'preact/hooks';
import {
  CATEGORIES,
  type CategoryNode,
  ErrorBox,
  type FlatCategory,
  flattenCategories,
  type Kind,
  KINDS,
  Loading,
  RegionScope,
  View,
} from '../components';
import { basisLabel, categoryLabel, int } from '../format';
import { useQuery } from '../hooks';
import type { HeatCell, HeatInput } from '../heatmap';

const MATRIX = `query Matrix($code: String) {
  coverageMatrix(regionCode: $code) { category { code name } departmentKind { code name } basis count }
}`;

interface Cell {
  category: { code: string; name: string };
  departmentKind: { code: string; name: string } | null;
  basis: string;
  count: number;
}

const FALLBACK_COL = '__FALLBACK';
const NONE_COL = '__NONE';

interface Grid {
  rows: FlatCategory[];
  columns: { key: string; name: string }[];
  /** counts[row][col] with the basis breakdown. */
  cells: Map<string, { count: number; byBasis: Map<string, number> }>;
}

/** Rows: categories in tree order; columns: the deciding kinds in their order, then the fallback, then nobody. */
export function buildGrid(cells: Cell[], categories: CategoryNode[], kinds: Kind[]): Grid {
  const colOf = (c: Cell) => (c.basis === 'NONE' ? NONE_COL : c.basis === 'FALLBACK' ? FALLBACK_COL : (c.departmentKind?.code ?? NONE_COL));
  const map = new Map<string, { count: number; byBasis: Map<string, number> }>();
  const usedRows = new Set<string>();
  const usedCols = new Set<string>();
  for (const c of cells) {
    const col = colOf(c);
    const key = `${c.category.code}|${col}`;
    const entry = map.get(key) ?? { count: 0, byBasis: new Map() };
    entry.count += c.count;
    entry.byBasis.set(c.basis, (entry.byBasis.get(c.basis) ?? 0) + c.count);
    map.set(key, entry);
    usedRows.add(c.category.code);
    usedCols.add(col);
  }
  const flat = flattenCategories(categories);
  const known = new Set(flat.map((c) => c.code));
  const rows = flat.filter((c) => usedRows.has(c.code));
  for (const c of cells) if (!known.has(c.category.code) && !rows.some((r) => r.code === c.category.code)) rows.push({ ...c.category, depth: 0, parent: false, up: null });
  const columns = kinds.filter((k) => usedCols.has(k.code)).map((k) => ({ key: k.code, name: k.name }));
  for (const c of cells) {
    const col = colOf(c);
    if (col !== NONE_COL && col !== FALLBACK_COL && !columns.some((k) => k.key === col)) columns.push({ key: col, name: c.departmentKind?.name ?? col });
  }
  columns.push({ key: FALLBACK_COL, name: '乡镇（街道）兜底' }, { key: NONE_COL, name: '无人负责' });
  return { rows, columns, cells: map };
}

/**
 * A category that has subcategories counts only the organizations filed
 * directly under it. The heat map's axis is a flat list, so a bare 协会
 * names its parent there; the table below keeps the tree's indentation.
 */
function rowLabel(r: Grid['rows'][number], flat: boolean): string {
  const name = flat ? categoryLabel({ name: r.name, parent: r.up }) : r.name;
  return r.parent ? `${name}（未细分）` : name;
}

function toHeat(grid: Grid): HeatInput {
  const input: HeatInput = {
    columns: grid.columns.map((c) => c.name),
    rows: grid.rows.map((r) => rowLabel(r, true)),
    normal: [],
    fallback: [],
    unassigned: [],
  };
  grid.rows.forEach((r, y) =>
    grid.columns.forEach((c, x) => {
      const cell = grid.cells.get(`${r.code}|${c.key}`);
      if (!cell) return;
      const detail = [...cell.byBasis].map(([b, n]) => `${basisLabel(b)}：${n}`).join('<br/>');
      const h: HeatCell = { x, y, value: cell.count, detail };
      (c.key === NONE_COL ? input.unassigned : c.key === FALLBACK_COL ? input.fallback : input.normal).push(h);
    }),
  );
  return input;
}

/** The ECharts chunk, asked for as soon as the view opens, while the data loads. */
let heatmapModule: Promise<typeof import('../heatmap')> | undefined;
const loadHeatmap = () => (heatmapModule ??= import('../heatmap'));

function Heatmap({ grid, onRendered }: { grid: Grid; onRendered: () => void }) {
  const el = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let dispose: (() => void) | undefined;
    let live = true;
    loadHeatmap().then(
      (m) => {
        if (!live || !el.current) return;
        dispose = m.renderHeatmap(el.current, toHeat(grid));
        onRendered();
      },
      (err) => setError(err),
    );
    return () => {
      live = false;
      dispose?.();
    };
  }, [grid]);
  if (error) return <ErrorBox error={error} />;
  return <div ref={el} class="heatmap" style={{ height: `${Math.max(240, grid.rows.length * 34 + 130)}px` }} role="img" aria-label="类别 × 部门条线 热力图" />;
}

export function MatrixView({ code }: { code?: string }) {
  useEffect(() => {
    loadHeatmap().catch(() => undefined);
  }, []);
  const matrix = useQuery<{ coverageMatrix: Cell[] }>(MATRIX, { code: code ?? null });
  const cats = useQuery<{ categories: CategoryNode[] }>(CATEGORIES, {});
  const kinds = useQuery<{ departmentKinds: Kind[] }>(KINDS, {});
  const [rendered, setRendered] = useState<string | null>(null);
  const error = matrix.error ?? cats.error ?? kinds.error;
  const ready = !!(matrix.data && cats.data && kinds.data) && !matrix.loading;
  const [grid, setGrid] = useState<Grid | null>(null);
  useEffect(() => {
    if (ready) setGrid(buildGrid(matrix.data!.coverageMatrix, cats.data!.categories, kinds.data!.departmentKinds));
  }, [ready, matrix.data, cats.data, kinds.data]);
  const key = code ?? '';
  let body;
  if (error) body = <ErrorBox error={error} />;
  else if (!grid) body = <Loading />;
  else if (grid.rows.length === 0) body = <p class="muted">本地区没有组织。</p>;
  else {
    const total = (col: string) => grid.rows.reduce((s, r) => s + (grid.cells.get(`${r.code}|${col}`)?.count ?? 0), 0);
    body = (
      <>
        <p class="meta">
          每格为该类别中由该条线部门负责的组织数；<span class="swatch swatch-fallback" /> 橙色为乡镇（街道）兜底，
          <span class="swatch swatch-none" /> 红色为无人负责。
        </p>
        <Heatmap grid={grid} onRendered={() => setRendered(key)} />
        <details class="matrix-details">
          <summary>明细表</summary>
          <table class="data matrix-table">
            <thead>
              <tr>
                <th>类别</th>
                {grid.columns.map((c) => (
                  <th class="num" key={c.key} data-col={c.key}>
                    {c.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grid.rows.map((r) => (
                <tr key={r.code} data-category={r.code}>
                  <td title={r.description ?? undefined}>{'\u3000'.repeat(r.depth) + rowLabel(r, false)}</td>
                  {grid.columns.map((c) => {
                    const n = grid.cells.get(`${r.code}|${c.key}`)?.count ?? 0;
                    const cls = n && c.key === NONE_COL ? 'cell-none' : n && c.key === FALLBACK_COL ? 'cell-fallback' : '';
                    return (
                      <td class={`num ${cls}`} key={c.key} data-col={c.key}>
                        {n ? int(n) : ''}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th>合计</th>
                {grid.columns.map((c) => (
                  <th class="num" key={c.key} data-col={c.key}>
                    {int(total(c.key))}
                  </th>
                ))}
              </tr>
            </tfoot>
          </table>
        </details>
      </>
    );
  }
  return (
    <View id="matrix-view" title="责任矩阵：类别 × 部门条线" ready={!!grid && rendered === key && !matrix.loading}>
      <RegionScope code={code} view="matrix" />
      {body}
    </View>
  );
}
