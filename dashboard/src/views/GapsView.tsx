import { CategoryName, DeptLink, ErrorBox, Loading, Pager, RegionLink, RegionScope, View } from '../components';
import { categoryLabel, dateLabel, GAP_KINDS, gapLabel, int, statusLabel } from '../format';
import { useCursorPages, useQuery } from '../hooks';
import { href } from '../router';
import { OpenRectifications } from './LedgerView';

const PAGE = 25;

const GAPS = `query Gaps($code: String, $kinds: [GapKind!], $first: Int!, $after: String) {
  coverageGaps(regionCode: $code, kinds: $kinds, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      kind detail
      organization { creditCode name }
      category { code name description parent { name } }
      region { code name }
      department { code name }
      departmentKind { code name }
      rectification { status overdue dueDate }
    } }
  }
}`;

const COUNTS = `query GapCounts($code: String) {
  all: coverageGaps(regionCode: $code, first: 0) { totalCount }
  ${GAP_KINDS.map((k) => `${k}: coverageGaps(regionCode: $code, kinds: [${k}], first: 0) { totalCount }`).join('\n  ')}
}`;

interface Ref {
  code: string;
  name: string;
}

interface Gap {
  kind: string;
  detail: string;
  organization: { creditCode: string; name: string } | null;
  category: (Ref & { description: string | null; parent: { name: string } | null }) | null;
  region: Ref | null;
  department: Ref | null;
  departmentKind: Ref | null;
  /** The ledger item in hand for this gap, if any. */
  rectification: { status: string; overdue: boolean; dueDate: string } | null;
}

interface GapsData {
  coverageGaps: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Gap }[] };
}

/** The main link of a gap: what it concerns. */
function Concerns({ gap }: { gap: Gap }) {
  if (gap.organization)
    return (
      <a href={href(['org', gap.organization.creditCode])} class="gap-target">
        {gap.organization.name}
      </a>
    );
  if (gap.kind === 'INCOMPLETE_DEDICATION' && gap.department)
    return (
      <a href={href(['dept', gap.department.code])} class="gap-target">
        {gap.department.name}
      </a>
    );
  if (gap.category)
    return (
      <a href={href(['oversee'], { category: gap.category.code, region: gap.region?.code })} class="gap-target">
        {gap.region ? `${gap.region.name} · ` : ''}
        {categoryLabel(gap.category)}
      </a>
    );
  return <span class="muted">—</span>;
}

export function GapsView({ code, kind }: { code?: string; kind?: string }) {
  const validKind = kind && GAP_KINDS.includes(kind) ? kind : undefined;
  const pages = useCursorPages(`${code}|${validKind}`);
  const vars = { code: code ?? null, kinds: validKind ? [validKind] : null, first: PAGE, after: pages.after };
  const q = useQuery<GapsData>(GAPS, vars);
  // The per-kind counts are asked for once the list is shown, so that they
  // never hold the list up.
  const counts = useQuery<Record<string, { totalCount: number }>>(COUNTS, { code: code ?? null }, !q.data);
  const conn = q.data?.coverageGaps;
  const setKind = (k?: string) => {
    location.hash = href(['gaps', code], { kind: k });
  };
  const count = (k: string) => (counts.data ? ` ${int(counts.data[k].totalCount)}` : '');
  return (
    <View id="gaps-view" title="覆盖缺口" ready={!!q.data && !q.loading}>
      <RegionScope code={code} view="gaps" extra={validKind ? { kind: validKind } : {}} />
      <div class="chips" role="group" aria-label="缺口类型">
        <button type="button" class={!validKind ? 'chip active' : 'chip'} data-kind="" aria-pressed={!validKind} onClick={() => setKind()}>
          全部{count('all')}
        </button>
        {GAP_KINDS.map((k) => (
          <button
            type="button"
            key={k}
            data-kind={k}
            class={`chip gap-${k} ${validKind === k ? 'active' : ''} ${counts.data?.[k]?.totalCount === 0 ? 'empty' : ''}`}
            aria-pressed={validKind === k}
            onClick={() => setKind(k)}
          >
            {gapLabel(k)}
            {count(k)}
          </button>
        ))}
      </div>
      <OpenRectifications code={code} kind={validKind} />
      {q.error ? (
        <ErrorBox error={q.error} />
      ) : !conn ? (
        <Loading />
      ) : (
        <>
          <p class="meta" data-total={conn.totalCount}>
            共 {int(conn.totalCount)} 个缺口{validKind ? `（${gapLabel(validKind)}）` : ''}
          </p>
          <table class="data gaps-table">
            <thead>
              <tr>
                <th>类型</th>
                <th>涉及</th>
                <th>地区</th>
                <th>类别</th>
                <th>部门</th>
                <th>说明</th>
                <th>整改</th>
              </tr>
            </thead>
            <tbody>
              {conn.edges.map(({ node: g }, i) => (
                <tr key={i} data-kind={g.kind}>
                  <td>
                    <span class={`tag gap-${g.kind}`}>{gapLabel(g.kind)}</span>
                  </td>
                  <td>
                    <Concerns gap={g} />
                  </td>
                  <td>
                    <RegionLink region={g.region} />
                  </td>
                  <td>
                    <CategoryName category={g.category} />
                  </td>
                  <td>
                    {g.department ? <DeptLink dept={g.department} /> : g.departmentKind ? <span>{g.departmentKind.name}（缺）</span> : <span class="muted">—</span>}
                  </td>
                  <td class="small detail" data-api-text>
                    {g.detail}
                  </td>
                  <td data-field="rectification">
                    {g.rectification ? (
                      <a href={href(['ledger', g.region?.code], { kind: g.kind })} title={`整改期限：${dateLabel(g.rectification.dueDate)}`}>
                        <span class={`tag status-${g.rectification.status}`}>{statusLabel(g.rectification.status)}</span>
                        {g.rectification.overdue && <span class="tag overdue-tag">超期</span>}
                      </a>
                    ) : (
                      <span class="muted small">未列入</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {conn.edges.length === 0 && <p class="muted">没有缺口。</p>}
          <Pager
            page={pages.page}
            total={conn.totalCount}
            pageSize={PAGE}
            hasNext={conn.pageInfo.hasNextPage}
            onPrev={pages.prev}
            onNext={() => pages.next(conn.pageInfo.endCursor)}
          />
        </>
      )}
    </View>
  );
}
