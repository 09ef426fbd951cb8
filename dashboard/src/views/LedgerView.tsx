// The rectification ledger (整改台账): the summary by milestone, the items
// of a region subtree with their filters (overdue items first), and the
// actions the caller's token allows: open items for the gaps of a region
// (from the gap view), move an item along the workflow with a note, change
// its due date. Every figure and refusal is the server's.
import { useState } from 'preact/hooks';
import { aliasedBatch, gql, literal, refreshAll } from '../api';
import { CategoryName, DeptLink, ErrorBox, Loading, Pager, RegionLink, RegionScope, View } from '../components';
import { categoryLabel, dateLabel, GAP_KINDS, gapLabel, int, STATUSES, statusLabel, timeLabel } from '../format';
import { useAsk, useCursorPages, useQuery } from '../hooks';
import { href, navigate } from '../router';

const PAGE = 20;

export interface LedgerFilter {
  status: string;
  kind: string;
  owner: string;
  milestone: string;
  overdue: boolean;
}

interface Ref {
  code: string;
  name: string;
}

interface Milestone {
  code: string;
  name: string;
  dueDate: string;
}

interface Summary {
  total: number;
  open: number;
  inProgress: number;
  resolved: number;
  verified: number;
  overdue: number;
  gapGone: number;
  reopened: number;
}

interface Me {
  name: string;
  role: string;
  regionCode: string | null;
}

interface Item {
  id: string;
  gapKind: string;
  status: string;
  gapOpen: boolean;
  overdue: boolean;
  dueDate: string;
  openedAt: string;
  closedAt: string | null;
  organization: { creditCode: string; name: string } | null;
  category: (Ref & { parent: { name: string } | null }) | null;
  region: Ref;
  department: Ref | null;
  departmentKind: Ref | null;
  owner: Ref & { region: { code: string; ancestors: { code: string }[] } };
  milestone: Milestone | null;
  history: { at: string; by: string | null; status: string; note: string | null }[];
}

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: Item }[];
}

const SUMMARY = 'total open inProgress resolved verified overdue gapGone reopened';

const HEAD = `query LedgerHead($region: String) {
  me { name role regionCode }
  milestones { code name dueDate }
  all: rectificationSummary(regionCode: $region) { ${SUMMARY} }
}`;

const ITEM = `id gapKind status gapOpen overdue dueDate openedAt closedAt
  organization { creditCode name }
  category { code name parent { name } }
  region { code name }
  department { code name }
  departmentKind { code name }
  owner { code name region { code ancestors { code } } }
  milestone { code name dueDate }
  history { at by status note }`;

// The server lists overdue items first, then by due date.
const ITEMS = `query Ledger($filter: RectificationFilter!, $late: RectificationFilter!, $hasOverdue: Boolean!, $first: Int!, $after: String, $owner: String!, $hasOwner: Boolean!) {
  rectifications(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${ITEM} } }
  }
  late: rectifications(filter: $late, first: 0) @skip(if: $hasOverdue) { totalCount }
  owner: department(code: $owner) @include(if: $hasOwner) { code name }
}`;

const UPDATE = `mutation UpdateRectification($input: RectificationUpdateInput!) {
  updateRectification(input: $input) { id status dueDate }
}`;

const OPEN = `mutation OpenRectifications($input: OpenRectificationsInput!) {
  openRectifications(input: $input) { opened alreadyOpen }
}`;

/** What an editor may do with an item in each status; the server still decides (RESOLVED needs the gap gone). */
const NEXT: Record<string, { status: string; label: string }[]> = {
  OPEN: [
    { status: 'IN_PROGRESS', label: '开始整改' },
    { status: 'RESOLVED', label: '报整改完成' },
  ],
  IN_PROGRESS: [{ status: 'RESOLVED', label: '报整改完成' }],
  RESOLVED: [{ status: 'VERIFIED', label: '验收销号' }],
  VERIFIED: [],
};

const canWrite = (me?: Me) => me?.role === 'EDITOR' || me?.role === 'ADMIN';

/** The level above the owner verifies: the caller's region must hold the parent of the owner's region. */
const canVerify = (me: Me | undefined, item: Item) =>
  canWrite(me) && (me!.regionCode == null || item.owner.region.ancestors.some((a) => a.code === me!.regionCode));

/** The link of what an item concerns: the organization, the department, or the category in its region. */
function Concerns({ item }: { item: Item }) {
  if (item.organization) return <a href={href(['org', item.organization.creditCode])}>{item.organization.name}</a>;
  if (item.gapKind === 'INCOMPLETE_DEDICATION' && item.department) return <DeptLink dept={item.department} />;
  if (item.category) return <span>{`${item.region.name} · ${categoryLabel(item.category)}`}</span>;
  return <span class="muted">—</span>;
}

function SummaryTable({ milestones, all, byMilestone, filter, go }: {
  milestones: Milestone[];
  all: Summary;
  byMilestone?: Map<string, Summary>;
  filter: LedgerFilter;
  go: (change: Partial<LedgerFilter>) => void;
}) {
  const columns: [keyof Summary, string, Partial<LedgerFilter>?][] = [
    ['total', '事项总数'],
    ['open', statusLabel('OPEN'), { status: 'OPEN' }],
    ['inProgress', statusLabel('IN_PROGRESS'), { status: 'IN_PROGRESS' }],
    ['resolved', statusLabel('RESOLVED'), { status: 'RESOLVED' }],
    ['verified', statusLabel('VERIFIED'), { status: 'VERIFIED' }],
    ['overdue', '超期未完成', { overdue: true }],
    ['gapGone', '问题已消除待报结'],
    ['reopened', '问题反弹'],
  ];
  const row = (key: string, label: string, due: string | null, s: Summary | undefined, milestone: string) => (
    <tr key={key} data-milestone={milestone} class={filter.milestone === milestone ? 'chosen' : ''}>
      <th>
        <button type="button" class="link-button flush" onClick={() => go({ milestone })}>
          {label}
        </button>
        {due && <span class="muted small"> · 期限{dateLabel(due)}</span>}
      </th>
      {columns.map(([k, , to]) => (
        <td key={k} class={`num ${k === 'overdue' && s && s[k] > 0 ? 'bad-text' : ''}`} data-figure={k}>
          {!s ? '—' : to && s[k] > 0 ? (
            <button type="button" class="link-button flush" onClick={() => go({ milestone, ...to })}>
              {int(s[k])}
            </button>
          ) : (
            int(s[k])
          )}
        </td>
      ))}
    </tr>
  );
  return (
    <div class="table-wrap">
      <div class="table-caption">按整改节点汇总</div>
      <table class="data summary-table">
        <thead>
          <tr>
            <th>整改节点</th>
            {columns.map(([k, label]) => (
              <th key={k} class="num">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {row('', '全部节点', null, all, '')}
          {milestones.map((m) => row(m.code, m.name, m.dueDate, byMilestone?.get(m.code), m.code))}
        </tbody>
      </table>
    </div>
  );
}

function Filters({ filter, milestones, ownerName, go }: {
  filter: LedgerFilter;
  milestones: Milestone[];
  ownerName?: string;
  go: (change: Partial<LedgerFilter>) => void;
}) {
  return (
    <div class="ledger-filters">
      <div class="chips" role="group" aria-label="办理状态">
        <button type="button" class={!filter.status ? 'chip active' : 'chip'} data-status="" aria-pressed={!filter.status} onClick={() => go({ status: '' })}>
          全部状态
        </button>
        {STATUSES.map((s) => (
          <button
            type="button"
            key={s}
            data-status={s}
            class={`chip ${filter.status === s ? 'active' : ''}`}
            aria-pressed={filter.status === s}
            onClick={() => go({ status: s })}
          >
            {statusLabel(s)}
          </button>
        ))}
      </div>
      <div class="form">
        <label class="field">
          问题类型
          <select aria-label="问题类型" value={filter.kind} onChange={(e) => go({ kind: (e.target as HTMLSelectElement).value })}>
            <option value="">全部类型</option>
            {GAP_KINDS.map((k) => (
              <option value={k} key={k}>
                {gapLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          整改节点
          <select aria-label="整改节点" value={filter.milestone} onChange={(e) => go({ milestone: (e.target as HTMLSelectElement).value })}>
            <option value="">全部节点</option>
            {milestones.map((m) => (
              <option value={m.code} key={m.code}>
                {m.name}（{dateLabel(m.dueDate)}）
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" aria-label="仅看超期" checked={filter.overdue} onChange={(e) => go({ overdue: (e.target as HTMLInputElement).checked })} />
          仅看超期
        </label>
        {filter.owner && (
          <span class="chip active owner-chip" data-owner={filter.owner}>
            责任单位：{ownerName ?? '—'}{' '}
            <button type="button" class="chip-clear" aria-label="取消责任单位筛选" onClick={() => go({ owner: '' })}>
              ×
            </button>
          </span>
        )}
      </div>
    </div>
  );
}

/** The history of an item and, when the token allows, the next steps with a note and a new due date. */
function ItemDetail({ item, me }: { item: Item; me?: Me }) {
  const [note, setNote] = useState('');
  const [due, setDue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const send = async (input: Record<string, unknown>, what: string) => {
    setBusy(true);
    setError(undefined);
    setDone('');
    try {
      await gql(UPDATE, { input: { id: item.id, note: note.trim() || null, ...input } });
      setNote('');
      setDue('');
      setDone(what);
      refreshAll();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const steps = (NEXT[item.status] ?? []).filter((s) => s.status !== 'VERIFIED' || canVerify(me, item));
  return (
    <div class="item-detail">
      <h3>办理记录</h3>
      <ol class="history">
        {item.history.map((e, i) => (
          <li key={i} data-status={e.status}>
            <span class="muted small">{timeLabel(e.at)}</span> <span class={`tag status-${e.status}`}>{statusLabel(e.status)}</span>{' '}
            <span class="small">{e.by ?? '本机用户'}</span>
            {e.note && <div class="history-note">{e.note}</div>}
          </li>
        ))}
      </ol>
      {canWrite(me) ? (
        <form class="item-actions" onSubmit={(e) => e.preventDefault()}>
          <label class="field">
            办理说明
            <textarea rows={2} aria-label="办理说明" value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
          </label>
          <div class="action-buttons">
            {steps.map((s) => (
              <button type="button" key={s.status} data-to={s.status} disabled={busy} onClick={() => send({ status: s.status }, statusLabel(s.status))}>
                {s.label}
              </button>
            ))}
            <button type="button" data-to="" disabled={busy || !note.trim()} onClick={() => send({}, '办理说明')}>
              仅记录说明
            </button>
            {item.status !== 'RESOLVED' && item.status !== 'VERIFIED' && (
              <span class="due-change">
                <input type="date" aria-label="新的整改期限" value={due} onInput={(e) => setDue((e.target as HTMLInputElement).value)} />
                <button type="button" data-to="due" disabled={busy || !due} onClick={() => send({ dueDate: due }, '整改期限')}>
                  调整期限
                </button>
              </span>
            )}
          </div>
          {item.status === 'RESOLVED' && !canVerify(me, item) && <p class="muted small">验收销号由责任单位的上一级办理。</p>}
          {item.gapOpen && item.status !== 'RESOLVED' && item.status !== 'VERIFIED' && (
            <p class="muted small">系统数据显示该问题仍然存在，问题消除后方可报整改完成。</p>
          )}
          {done && <p class="ok-text" role="status">已更新：{done}。</p>}
          {error !== undefined && <ErrorBox error={error} />}
        </form>
      ) : (
        <p class="muted small">当前令牌只能查看，不能办理。</p>
      )}
    </div>
  );
}

function ItemRows({ item, me, open, toggle, go }: {
  item: Item;
  me?: Me;
  open: boolean;
  toggle: () => void;
  go: (change: Partial<LedgerFilter>) => void;
}) {
  return (
    <>
      <tr data-id={item.id} data-status={item.status} data-overdue={item.overdue ? 'true' : 'false'} data-kind={item.gapKind} class={item.overdue ? 'overdue-row' : ''}>
        <td>
          <span class={`tag status-${item.status}`}>{statusLabel(item.status)}</span>
          {item.overdue && <span class="tag overdue-tag">超期</span>}
        </td>
        <td>
          <span class={`tag gap-${item.gapKind}`}>{gapLabel(item.gapKind)}</span>
        </td>
        <td>
          <Concerns item={item} />
          {item.organization && (
            <div class="small muted">
              <CategoryName category={item.category} />
            </div>
          )}
        </td>
        <td>
          <RegionLink region={item.region} />
        </td>
        <td>
          <button type="button" class="link-button flush owner-link" data-owner={item.owner.code} title="只看该责任单位的事项" onClick={() => go({ owner: item.owner.code })}>
            {item.owner.name}
          </button>
        </td>
        <td class="num" data-field="due">
          {dateLabel(item.dueDate)}
          {item.milestone && <div class="small muted">{item.milestone.name}</div>}
        </td>
        <td data-field="gap">{item.gapOpen ? <span class="bad-text">仍存在</span> : <span class="ok-text">已消除</span>}</td>
        <td>
          <button type="button" class="link-button flush" aria-expanded={open} onClick={toggle}>
            {open ? '收起' : canWrite(me) ? '办理' : '记录'}
          </button>
        </td>
      </tr>
      {open && (
        <tr class="detail-row" data-detail={item.id}>
          <td colSpan={8}>
            <ItemDetail item={item} me={me} />
          </td>
        </tr>
      )}
    </>
  );
}

function filterOf(code: string | undefined, f: LedgerFilter): Record<string, unknown> {
  return {
    regionCode: code ?? null,
    statuses: f.status ? [f.status] : null,
    kinds: f.kind ? [f.kind] : null,
    milestoneCode: f.milestone || null,
    ownerDepartmentCode: f.owner || null,
  };
}

export function LedgerView({ code, filter }: { code?: string; filter: LedgerFilter }) {
  const f: LedgerFilter = { ...filter, status: STATUSES.includes(filter.status) ? filter.status : '', kind: GAP_KINDS.includes(filter.kind) ? filter.kind : '' };
  const go = (change: Partial<LedgerFilter>) => {
    const n = { ...f, ...change };
    navigate(href(['ledger', code], { status: n.status, kind: n.kind, owner: n.owner, milestone: n.milestone, overdue: n.overdue ? '1' : '' }));
  };
  const head = useQuery<{ me: Me; milestones: Milestone[]; all: Summary }>(HEAD, { region: code ?? null });
  const milestones = head.data?.milestones ?? [];
  const byMilestone = useAsk<Map<string, Summary>>(
    `ledger-summary\u0000${code}\u0000${milestones.map((m) => m.code).join(',')}`,
    () => aliasedBatch<Summary>((m) => `rectificationSummary(regionCode: ${literal(code ?? null)}, milestoneCode: ${literal(m)}) { ${SUMMARY} }`, milestones.map((m) => m.code)),
    milestones.length === 0,
  );
  const listKey = JSON.stringify([code, f]);
  const pages = useCursorPages(listKey);
  const filterVars = filterOf(code, f);
  const vars = {
    filter: { ...filterVars, overdue: f.overdue || null },
    late: { ...filterVars, overdue: true },
    hasOverdue: f.overdue,
    first: PAGE,
    after: pages.after,
    owner: f.owner,
    hasOwner: !!f.owner,
  };
  const q = useQuery<{ rectifications: Page; late?: { totalCount: number }; owner?: Ref | null }>(ITEMS, vars);
  // The item opened for handling, in the list it was opened in (another filter starts closed).
  const [opened, setOpened] = useState<{ list: string; id: string } | null>(null);
  const expanded = opened?.list === listKey ? opened.id : null;

  let list;
  if (q.error) list = <ErrorBox error={q.error} />;
  else if (!q.data) list = <Loading />;
  else {
    const conn = q.data.rectifications;
    const items = conn.edges.map((e) => e.node);
    const late = q.data.late?.totalCount ?? 0;
    const total = conn.totalCount;
    list = (
      <>
        <p class="meta" data-total={total}>
          共 {int(total)} 项{f.overdue ? '超期事项' : '，超期事项在前'}
          {late > 0 && <span class="bad-text">（其中超期 {int(late)} 项）</span>}
        </p>
        <table class="data ledger-table">
          <thead>
            <tr>
              <th>办理状态</th>
              <th>问题类型</th>
              <th>涉及</th>
              <th>地区</th>
              <th>责任单位</th>
              <th class="num">整改期限</th>
              <th>问题现状</th>
              <th>操作</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <ItemRows
                key={item.id}
                item={item}
                me={head.data?.me}
                open={expanded === item.id}
                toggle={() => setOpened(expanded === item.id ? null : { list: listKey, id: item.id })}
                go={go}
              />
            ))}
          </tbody>
        </table>
        {items.length === 0 && <p class="muted">没有符合条件的整改事项。</p>}
        <Pager
          page={pages.page}
          total={total}
          pageSize={PAGE}
          hasNext={conn.pageInfo.hasNextPage}
          onPrev={pages.prev}
          onNext={() => pages.next(conn.pageInfo.endCursor)}
        />
      </>
    );
  }
  return (
    <View id="ledger-view" title="整改台账" ready={!!q.data && !q.loading && !!head.data && !head.loading}>
      <RegionScope code={code} view="ledger" />
      {head.error ? (
        <ErrorBox error={head.error} />
      ) : head.data ? (
        <SummaryTable milestones={milestones} all={head.data.all} byMilestone={byMilestone.data} filter={f} go={go} />
      ) : null}
      <h2>整改事项</h2>
      <Filters filter={f} milestones={milestones} ownerName={q.data?.owner?.name} go={go} />
      {list}
    </View>
  );
}

const MILESTONES = `query OpenForm { me { role } milestones { code name dueDate } }`;

/**
 * The gap view's form: opens one ledger item per current gap of the region
 * and kind that has none in hand, to the chosen milestone (or due date).
 */
export function OpenRectifications({ code, kind }: { code?: string; kind?: string }) {
  const q = useQuery<{ me: { role: string }; milestones: Milestone[] }>(MILESTONES, {});
  const [milestone, setMilestone] = useState('');
  const [due, setDue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<{ opened: number; alreadyOpen: number } | null>(null);
  if (q.error || !q.data || !canWrite(q.data.me as Me)) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(null);
    try {
      const d = await gql<{ openRectifications: { opened: number; alreadyOpen: number } }>(OPEN, {
        input: { regionCode: code ?? null, kinds: kind ? [kind] : null, milestoneCode: milestone || null, dueDate: due || null },
      });
      setResult(d.openRectifications);
      refreshAll();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="open-rectifications">
      <summary>将{kind ? `“${gapLabel(kind)}”类` : '本地区全部'}缺口列入整改台账</summary>
      <form class="form" onSubmit={submit}>
        <label class="field">
          整改节点
          <select aria-label="列入整改节点" value={milestone} onChange={(e) => setMilestone((e.target as HTMLSelectElement).value)}>
            <option value="">请选择整改节点…</option>
            {q.data.milestones.map((m) => (
              <option value={m.code} key={m.code}>
                {m.name}（{dateLabel(m.dueDate)}）
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          整改期限（不填按节点期限）
          <input type="date" aria-label="列入整改期限" value={due} onInput={(e) => setDue((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={busy || (!milestone && !due)}>
          列入整改台账
        </button>
      </form>
      <p class="muted small">每个尚无在办事项的缺口开立一项；责任单位默认为该组织的责任部门，没有责任部门的，为缺口所在地区的牵头协调部门。</p>
      {result && (
        <p class="ok-text" role="status" data-opened={result.opened} data-already-open={result.alreadyOpen}>
          新开立整改事项 {int(result.opened)} 项；已在台账中办理的 {int(result.alreadyOpen)} 项未重复开立。
          <a href={href(['ledger', code], { kind })}>查看整改台账</a>
        </p>
      )}
      {error !== undefined && <ErrorBox error={error} />}
    </details>
  );
}
