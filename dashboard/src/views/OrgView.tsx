import { useEffect, useState } from 'preact/hooks';
import { CategoryDescription, CategoryName, DeptLink, ErrorBox, Loading, Pager, RegionLink, View } from '../components';
import { basisLabel, categoryLabel, int, partyOrgLabel } from '../format';
import { useCursorPages, useQuery } from '../hooks';
import { href } from '../router';

const PAGE = 20;

/** 统一社会信用代码: 18 characters of digits and upper-case letters (I, O, S, V, Z excluded). */
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/i;

const BY_NAME = `query OrgSearch($filter: OrganizationFilter!, $first: Int!, $after: String) {
  organizations(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { creditCode name category { name description parent { name } } region { code name } responsibility { basis department { code name } } } }
  }
}`;

const BY_CODE = `query OrgByCode($code: String!) {
  organization(creditCode: $code) { creditCode name category { name description parent { name } } region { code name } responsibility { basis department { code name } } }
}`;

const DETAIL = `query Org($code: String!) {
  organization(creditCode: $code) {
    creditCode name partyOrganization workCovered partyMemberCount model
    category { code name description parent { code name } }
    region { code name level ancestors { code name } }
    administeringRegion { code name }
    supervisingDepartment { code name }
    partyAffiliation { code name }
    responsibility {
      basis
      department { code name kind { name } region { code name } fullyDedicated }
      rule { category { code name parent { name } } departmentKind { code name } scope { code name } basis }
      contestedBy { code name kind { name } region { code name } }
      explanation
    }
  }
}`;

interface Ref {
  code: string;
  name: string;
}

interface Hit {
  creditCode: string;
  name: string;
  category: { name: string; description: string | null; parent: { name: string } | null };
  region: Ref;
  responsibility: { basis: string; department: Ref | null };
}

function SearchForm({ q, region }: { q: string; region?: string }) {
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  return (
    <form
      class="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        location.hash = href(['org'], { q: text.trim(), region });
      }}
    >
      <input
        type="search"
        name="q"
        aria-label="组织名称或统一社会信用代码"
        placeholder="组织名称（部分即可）或 18 位统一社会信用代码"
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
      />
      <button type="submit">查询</button>
    </form>
  );
}

function HitRow({ o }: { o: Hit }) {
  return (
    <tr data-credit-code={o.creditCode}>
      <td>
        <a href={href(['org', o.creditCode])} class="org-link">
          {o.name}
        </a>
      </td>
      <td class="mono small" translate={false}>
        {o.creditCode}
      </td>
      <td>
        <CategoryName category={o.category} />
      </td>
      <td>
        <RegionLink region={o.region} />
      </td>
      <td>
        <span class={`tag basis-tag basis-${o.responsibility.basis}`}>{basisLabel(o.responsibility.basis)}</span>
      </td>
      <td>
        <DeptLink dept={o.responsibility.department} />
      </td>
    </tr>
  );
}

function HitTable({ hits }: { hits: Hit[] }) {
  return (
    <table class="data results">
      <thead>
        <tr>
          <th>名称</th>
          <th>统一社会信用代码</th>
          <th>类别</th>
          <th>所在地</th>
          <th>依据</th>
          <th>责任部门</th>
        </tr>
      </thead>
      <tbody>
        {hits.map((o) => (
          <HitRow o={o} key={o.creditCode} />
        ))}
      </tbody>
    </table>
  );
}

export function OrgSearchView({ q, region }: { q: string; region?: string }) {
  const isCode = CREDIT_CODE.test(q);
  const pages = useCursorPages(`${q}|${region}`);
  const byCode = useQuery<{ organization: Hit | null }>(BY_CODE, { code: q.toUpperCase() }, !isCode);
  const byName = useQuery<{ organizations: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Hit }[] } }>(
    BY_NAME,
    { filter: { nameContains: q, regionCode: region ?? null }, first: PAGE, after: pages.after },
    !q || isCode,
  );
  const active = isCode ? byCode : byName;
  let body = null;
  if (!q) body = <p class="muted">输入组织名称的一部分（如“科技”）或统一社会信用代码。</p>;
  else if (active.error) body = <ErrorBox error={active.error} />;
  else if (!active.data) body = <Loading />;
  else if (isCode) {
    const o = byCode.data!.organization;
    body = o ? (
      <HitTable hits={[o]} />
    ) : (
      <p class="muted">
        没有统一社会信用代码为 <span translate={false}>{q.toUpperCase()}</span> 的组织。
      </p>
    );
  } else {
    const conn = byName.data!.organizations;
    body = (
      <>
        <p class="meta">名称包含“{q}”的组织共 {int(conn.totalCount)} 个</p>
        {conn.edges.length > 0 && <HitTable hits={conn.edges.map((e) => e.node)} />}
        <Pager
          page={pages.page}
          total={conn.totalCount}
          pageSize={PAGE}
          hasNext={conn.pageInfo.hasNextPage}
          onPrev={pages.prev}
          onNext={() => pages.next(conn.pageInfo.endCursor)}
        />
      </>
    );
  }
  return (
    <View id="org-search-view" title="组织查询" ready={!q || (!!active.data && !active.loading)}>
      <SearchForm q={q} region={region} />
      {body}
    </View>
  );
}

interface OrgDetail {
  creditCode: string;
  name: string;
  partyOrganization: string;
  workCovered: boolean;
  partyMemberCount: number;
  model: boolean;
  category: Ref & { description: string | null; parent: Ref | null };
  region: Ref & { level: string; ancestors: Ref[] };
  administeringRegion: Ref;
  supervisingDepartment: Ref | null;
  partyAffiliation: Ref | null;
  responsibility: {
    basis: string;
    department: (Ref & { kind: { name: string }; region: Ref; fullyDedicated: boolean }) | null;
    rule: { category: Ref & { parent: { name: string } | null }; departmentKind: Ref; scope: Ref | null; basis: string | null } | null;
    contestedBy: (Ref & { kind: { name: string }; region: Ref })[];
    explanation: string[];
  };
}

export function OrgDetailView({ code }: { code: string }) {
  const q = useQuery<{ organization: OrgDetail | null }>(DETAIL, { code: code.toUpperCase() });
  const o = q.data?.organization;
  let body;
  if (q.error) body = <ErrorBox error={q.error} />;
  else if (!q.data) body = <Loading />;
  else if (!o)
    body = (
      <p class="muted">
        没有统一社会信用代码为 <span translate={false}>{code}</span> 的组织。
      </p>
    );
  else {
    const r = o.responsibility;
    body = (
      <>
        <div class={`verdict basis-${r.basis}`} data-basis={r.basis}>
          <div class="verdict-label">责任部门</div>
          <div class="verdict-dept">
            {r.department ? (
              <>
                <DeptLink dept={r.department} />
                <span class="muted small">
                  （{r.department.kind.name}，{r.department.region.name}
                  {r.department.fullyDedicated ? '' : '，专门组织、专门人员、专门办法不全'}）
                </span>
              </>
            ) : (
              <strong class="bad-text">无人负责（盲区）</strong>
            )}
          </div>
          <div class="verdict-basis">
            依据：<span class={`tag basis-tag basis-${r.basis}`}>{basisLabel(r.basis)}</span>
            {r.rule && (
              <span class="small">
                {' '}
                规则：{categoryLabel(r.rule.category)} → {r.rule.departmentKind.name}，范围 {r.rule.scope ? r.rule.scope.name : '全域'}
                {r.rule.basis ? `（${r.rule.basis}）` : ''}
              </span>
            )}
          </div>
        </div>
        <h2>判定过程</h2>
        <ol class="explanation" data-api-text>
          {r.explanation.map((step, i) => (
            <li key={i}>{step}</li>
          ))}
        </ol>
        <h2>多头管理</h2>
        {r.contestedBy.length ? (
          <ul class="contested">
            {r.contestedBy.map((d) => (
              <li key={d.code}>
                <DeptLink dept={d} /> <span class="muted small">（{d.kind.name}，{d.region.name}）</span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">没有其他部门同时主张管理。</p>
        )}
        <h2>基本信息</h2>
        <dl class="facts">
          <dt>统一社会信用代码</dt>
          <dd class="mono" translate={false}>
            {o.creditCode}
          </dd>
          <dt>类别</dt>
          <dd>
            {o.category.parent ? `${o.category.parent.name} › ` : ''}
            {o.category.name}
            <CategoryDescription description={o.category.description} />
          </dd>
          <dt>所在地</dt>
          <dd>
            {o.region.ancestors.map((a) => (
              <span key={a.code}>
                <RegionLink region={a} /> ›{' '}
              </span>
            ))}
            <RegionLink region={o.region} />
          </dd>
          <dt>管理层级</dt>
          <dd>
            <RegionLink region={o.administeringRegion} />
          </dd>
          <dt>业务主管单位</dt>
          <dd>
            <DeptLink dept={o.supervisingDepartment} />
          </dd>
          <dt>党组织关系隶属</dt>
          <dd>
            <DeptLink dept={o.partyAffiliation} />
          </dd>
          <dt>党组织</dt>
          <dd>
            {partyOrgLabel(o.partyOrganization)}，党员 {o.partyMemberCount} 名
          </dd>
          <dt>工作覆盖</dt>
          <dd>{o.workCovered ? '已选派党建指导员或联络员' : '未选派'}</dd>
          <dt>典型</dt>
          <dd>{o.model ? '是' : '否'}</dd>
        </dl>
      </>
    );
  }
  return (
    <View id="org-view" title={o ? o.name : '组织'} ready={!!q.data && !q.loading}>
      <SearchForm q="" />
      {body}
    </View>
  );
}
