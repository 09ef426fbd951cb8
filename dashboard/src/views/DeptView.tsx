import { ErrorBox, FIGURES, FigureCards, type Figures, Loading, Pager, RegionLink, View } from '../components';
import { BASIS_LABEL, ROLE_LABEL } from '../format';
import { useCursorPages, useQuery } from '../hooks';
import { href } from '../router';

const PAGE = 20;

const DEPT = `query Department($code: String!, $first: Int!, $after: String) {
  department(code: $code) {
    code name dedicatedUnit method fullyDedicated
    dedicatedStaff { name title phone email }
    kind { code name role }
    region { code name ancestors { code name } }
    categories { code name }
    coverage { ${FIGURES} }
    organizations(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { creditCode name category { name } region { code name } responsibility { basis } } }
    }
  }
}`;

interface Ref {
  code: string;
  name: string;
}

interface DeptData {
  department: {
    code: string;
    name: string;
    dedicatedUnit: string | null;
    method: string | null;
    fullyDedicated: boolean;
    dedicatedStaff: { name: string; title: string | null; phone: string | null; email: string | null }[];
    kind: Ref & { role: string };
    region: Ref & { ancestors: Ref[] };
    categories: Ref[];
    coverage: Figures;
    organizations: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: { creditCode: string; name: string; category: { name: string }; region: Ref; responsibility: { basis: string } } }[];
    };
  } | null;
}

export function DeptView({ code }: { code: string }) {
  const pages = useCursorPages(code);
  const q = useQuery<DeptData>(DEPT, { code, first: PAGE, after: pages.after });
  const d = q.data?.department;
  let body;
  if (q.error) body = <ErrorBox error={q.error} />;
  else if (!q.data) body = <Loading />;
  else if (!d) body = <p class="muted">没有编码为 {code} 的部门。</p>;
  else {
    const missing = (v: string | null | undefined) => v ?? <span class="bad-text">缺</span>;
    body = (
      <>
        <p class="meta">
          {d.kind.name}（{ROLE_LABEL[d.kind.role] ?? d.kind.role}）·{' '}
          {[...d.region.ancestors, d.region].map((r, i) => (
            <span key={r.code}>
              {i > 0 ? ' › ' : ''}
              <RegionLink region={r} />
            </span>
          ))}{' '}
          · 编码 <span class="mono">{d.code}</span>
        </p>
        <h2>“三专”{d.fullyDedicated ? <span class="tag ok-tag">齐全</span> : <span class="tag bad-tag">不全</span>}</h2>
        <dl class="facts">
          <dt>专门组织</dt>
          <dd>{missing(d.dedicatedUnit)}</dd>
          <dt>专门人员</dt>
          <dd>
            {d.dedicatedStaff.length
              ? d.dedicatedStaff.map((s) => [s.name, s.title, s.phone, s.email].filter(Boolean).join(' ')).join('；')
              : missing(null)}
          </dd>
          <dt>专门办法</dt>
          <dd>{missing(d.method)}</dd>
          <dt>主管类别</dt>
          <dd>{d.categories.length ? d.categories.map((c) => c.name).join('、') : <span class="muted">—</span>}</dd>
        </dl>
        <h2>负责的组织</h2>
        <FigureCards figures={d.coverage} />
        <table class="data">
          <thead>
            <tr>
              <th>名称</th>
              <th>类别</th>
              <th>所在地</th>
              <th>依据</th>
            </tr>
          </thead>
          <tbody>
            {d.organizations.edges.map(({ node: o }) => (
              <tr key={o.creditCode}>
                <td>
                  <a href={href(['org', o.creditCode])}>{o.name}</a>
                </td>
                <td>{o.category.name}</td>
                <td>
                  <RegionLink region={o.region} />
                </td>
                <td>{BASIS_LABEL[o.responsibility.basis]}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager
          page={pages.page}
          total={d.organizations.totalCount}
          pageSize={PAGE}
          hasNext={d.organizations.pageInfo.hasNextPage}
          onPrev={pages.prev}
          onNext={() => pages.next(d.organizations.pageInfo.endCursor)}
        />
      </>
    );
  }
  return (
    <View id="dept-view" title={d ? d.name : '部门'} ready={!!q.data && !q.loading}>
      {body}
    </View>
  );
}
