import { useEffect, useState } from 'preact/hooks';
import { CategorySelect, DeptLink, ErrorBox, KindSelect, Loading, Pager, RegionLink, RegionPicker, View } from '../components';
import { basisLabel, categoryLabel, int, roleLabel } from '../format';
import { useCursorPages, useQuery } from '../hooks';
import { href } from '../router';

interface Ref {
  code: string;
  name: string;
}

interface Oversight {
  rule: { category: Ref & { parent: { name: string } | null }; departmentKind: Ref; scope: Ref | null; basis: string | null } | null;
  departmentKind: (Ref & { role: string }) | null;
  department:
    | (Ref & {
        region: Ref;
        dedicatedUnit: string | null;
        dedicatedStaff: { name: string; title: string | null; phone: string | null }[];
        method: string | null;
        fullyDedicated: boolean;
      })
    | null;
}

const OVERSIGHT = `query WhoOversees($category: String!, $region: String) {
  whoOversees(categoryCode: $category, regionCode: $region) {
    rule { category { code name parent { name } } departmentKind { code name } scope { code name } basis }
    departmentKind { code name role }
    department { code name region { code name } dedicatedUnit dedicatedStaff { name title phone } method fullyDedicated }
  }
}`;

function OversightCard({ o, region }: { o: Oversight; region: string }) {
  if (!o.rule)
    return (
      <div class="verdict basis-NONE" data-result="no-rule">
        <strong class="bad-text">该地区没有适用于此类别（或其上级类别）的主管责任规则。</strong>
        <div class="small">这类组织只能由乡镇（街道）兜底，或成为盲区。</div>
      </div>
    );
  const d = o.department;
  return (
    <div class="oversight" data-result="rule">
      <dl class="facts">
        <dt>规则</dt>
        <dd data-field="rule">
          {categoryLabel(o.rule.category)} → {o.rule.departmentKind.name}，范围 {o.rule.scope ? <RegionLink region={o.rule.scope} /> : '全域'}
        </dd>
        <dt>依据</dt>
        <dd>{o.rule.basis ?? <span class="muted">—</span>}</dd>
        <dt>部门条线</dt>
        <dd data-field="kind">
          {o.departmentKind ? `${o.departmentKind.name}（${roleLabel(o.departmentKind.role)}）` : '—'}
        </dd>
        <dt>主管部门</dt>
        <dd data-field="department">
          {d ? (
            <>
              <DeptLink dept={d} /> <span class="muted small">（{d.region.name}）</span>
            </>
          ) : (
            <strong class="bad-text">本级及上级都没有该条线的部门（缺少主管部门）</strong>
          )}
        </dd>
        {d && (
          <>
            <dt>专门组织</dt>
            <dd>{d.dedicatedUnit ?? <span class="bad-text">缺</span>}</dd>
            <dt>专门人员</dt>
            <dd>
              {d.dedicatedStaff.length ? (
                d.dedicatedStaff.map((s) => `${s.name}${s.title ? `（${s.title}）` : ''}${s.phone ? ` ${s.phone}` : ''}`).join('；')
              ) : (
                <span class="bad-text">缺</span>
              )}
            </dd>
            <dt>专门办法</dt>
            <dd>{d.method ?? <span class="bad-text">缺</span>}</dd>
          </>
        )}
      </dl>
      <p>
        <a
          href={href(['impact'], {
            category: o.rule.category.code,
            kind: o.rule.departmentKind.code,
            scope: region || undefined,
          })}
        >
          预览调整此处规则的影响 →
        </a>
      </p>
    </div>
  );
}

export function OverseeView({ category, region }: { category: string; region: string }) {
  const q = useQuery<{ whoOversees: Oversight }>(OVERSIGHT, { category, region: region || null }, !category);
  const set = (c: string, r: string) => {
    location.hash = href(['oversee'], { category: c, region: r });
  };
  return (
    <View id="oversee-view" title="谁来主管" ready={!category || (!!q.data && !q.loading)}>
      <div class="form">
        <CategorySelect label="组织类别" value={category} onChange={(c) => set(c, region)} />
        <RegionPicker label="地区" emptyLabel="（不限：全域规则）" value={region} onChange={(r) => set(category, r)} />
      </div>
      {!category ? (
        <p class="muted">选择一个组织类别和地区，查看适用的规则、部门条线和主管部门。</p>
      ) : q.error ? (
        <ErrorBox error={q.error} />
      ) : !q.data ? (
        <Loading />
      ) : (
        <OversightCard o={q.data.whoOversees} region={region} />
      )}
    </View>
  );
}

// ---------- rule impact preview ----------

const PAGE = 20;

interface Resp {
  basis: string;
  department: Ref | null;
}

interface ImpactData {
  ruleImpact: {
    changedCount: number;
    departmentChangedCount: number;
    changes: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: { organization: { creditCode: string; name: string; region: Ref }; before: Resp; after: Resp } }[];
    };
  };
}

const IMPACT = `query RuleImpact($input: RuleInput!, $remove: Boolean, $first: Int!, $after: String) {
  ruleImpact(input: $input, remove: $remove) {
    changedCount
    departmentChangedCount
    changes(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        organization { creditCode name region { code name } }
        before { basis department { code name } }
        after { basis department { code name } }
      } }
    }
  }
}`;

function RespCell({ r }: { r: Resp }) {
  return (
    <span>
      <span class={`tag basis-tag basis-${r.basis}`}>{basisLabel(r.basis)}</span> <DeptLink dept={r.department} />
    </span>
  );
}

export function ImpactView(props: { category: string; kind: string; scope: string; remove: boolean }) {
  const [form, setForm] = useState(props);
  useEffect(() => setForm(props), [props.category, props.kind, props.scope, props.remove]);
  const submitted = !!(props.category && props.kind);
  const pages = useCursorPages(JSON.stringify(props));
  const q = useQuery<ImpactData>(
    IMPACT,
    {
      input: { categoryCode: props.category, departmentKindCode: props.kind, scopeRegionCode: props.scope || null },
      remove: props.remove,
      first: PAGE,
      after: pages.after,
    },
    !submitted,
  );
  const current = useQuery<{ whoOversees: Oversight }>(OVERSIGHT, { category: props.category, region: props.scope || null }, !submitted);
  const impact = q.data?.ruleImpact;
  return (
    <View id="impact-view" title="规则影响预览" ready={!submitted || (!!q.data && !q.loading)}>
      <p class="meta">
        在修改主管责任规则之前，先看哪些组织的责任部门会变化。责任部门和判定依据不变、仅适用规则或同时主张管理的部门改变的组织，计入“将改变责任记录的组织”，也列在下表中。预览不会改动任何数据。
      </p>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = href(['impact'], {
            category: form.category,
            kind: form.kind,
            scope: form.scope,
            remove: form.remove ? '1' : undefined,
          });
        }}
      >
        <CategorySelect label="组织类别" value={form.category} onChange={(c) => setForm({ ...form, category: c })} />
        <KindSelect label="部门条线" value={form.kind} onChange={(k) => setForm({ ...form, kind: k })} />
        <RegionPicker label="适用范围" emptyLabel="（全域）" value={form.scope} onChange={(s) => setForm({ ...form, scope: s })} />
        <label class="check">
          <input type="checkbox" checked={form.remove} onChange={(e) => setForm({ ...form, remove: (e.target as HTMLInputElement).checked })} />
          预览删除该类别在该范围的规则
        </label>
        <button type="submit" disabled={!form.category || !form.kind}>
          预览影响
        </button>
      </form>
      {submitted && current.data && (
        <p class="meta">
          当前：
          {current.data.whoOversees.rule
            ? `${categoryLabel(current.data.whoOversees.rule.category)} → ${current.data.whoOversees.rule.departmentKind.name}（范围 ${current.data.whoOversees.rule.scope?.name ?? '全域'}）`
            : '没有适用的规则'}
        </p>
      )}
      {!submitted ? null : q.error ? (
        <ErrorBox error={q.error} />
      ) : !impact ? (
        <Loading />
      ) : (
        <>
          <div class="cards">
            <div class={`card ${impact.departmentChangedCount ? 'notice' : 'ok'}`} data-figure="departmentChangedCount">
              <div class="card-label">将改变责任部门的组织</div>
              <div class="card-value">{int(impact.departmentChangedCount)}</div>
            </div>
            <div class={`card ${impact.changedCount ? 'notice' : 'ok'}`} data-figure="changedCount">
              <div class="card-label">将改变责任记录的组织</div>
              <div class="card-value">{int(impact.changedCount)}</div>
            </div>
          </div>
          {impact.changes.edges.length > 0 && (
            <table class="data changes-table">
              <thead>
                <tr>
                  <th>组织</th>
                  <th>所在地</th>
                  <th>调整前</th>
                  <th>调整后</th>
                </tr>
              </thead>
              <tbody>
                {impact.changes.edges.map(({ node: c }) => (
                  <tr key={c.organization.creditCode}>
                    <td>
                      <a href={href(['org', c.organization.creditCode])}>{c.organization.name}</a>
                    </td>
                    <td>
                      <RegionLink region={c.organization.region} />
                    </td>
                    <td>
                      <RespCell r={c.before} />
                    </td>
                    <td>
                      <RespCell r={c.after} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager
            page={pages.page}
            total={impact.changes.totalCount}
            pageSize={PAGE}
            hasNext={impact.changes.pageInfo.hasNextPage}
            onPrev={pages.prev}
            onNext={() => pages.next(impact.changes.pageInfo.endCursor)}
          />
        </>
      )}
    </View>
  );
}
