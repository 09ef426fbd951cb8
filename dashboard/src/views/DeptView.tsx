import { CategoryName, ErrorBox, FIGURES, FigureCards, type Figures, Loading, Pager, RegionLink, View } from '../components';
import { basisLabel, roleLabel } from '../format';
import { useCursorPages, useQuery } from '../hooks';
import { href } from '../router';

const PAGE = 20;

const DEPT = `query Department($code: String!, $first: Int!, $after: String) {
  department(code: $code) {
    code name dedicatedUnit method fullyDedicated
    dedicatedStaff { name title phone email }
    kind { code name role }
    region { code name ancestors { code name } }
    categories { code name description parent { name } }
    coverage { ${FIGURES} }
    organizations(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { creditCode name category { name description parent { name } } region { code name } responsibility { basis } } }
    }
  }
}`;

interface Ref {
  code: string;
  name: string;
}

interface CategoryRef {
  name: string;
  description: string | null;
  parent: { name: string } | null;
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
    categories: (Ref & CategoryRef)[];
    coverage: Figures;
    organizations: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: { creditCode: string; name: string; category: CategoryRef; region: Ref; responsibility: { basis: string } } }[];
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
  else if (!d)
    body = (
      <p class="muted">
        没有编码为 <span translate={false}>{code}</span> 的部门。
      </p>
    );
  else {
    const missing = (v: string | null | undefined) => v ?? <span class="bad-text">缺</span>;
    body = (
      <>
        <p class="meta">
          {d.kind.name}（{roleLabel(d.kind.role)}）·{' '}
          {[...d.region.ancestors, d.region].map((r, i) => (
            <span key={r.code}>
              {i > 0 ? ' › ' : ''}
              <RegionLink region={r} />
            </span>
          ))}{' '}
          · 编码{' '}
          <span class="mono" translate={false}>
            {d.code}
          </span>
        </p>
        <h2>
          专门组织、专门人员、专门办法
          {d.fullyDedicated ? <span class="tag ok-tag">齐全</span> : <span class="tag bad-tag">不全</span>}
        </h2>
        <dl class="facts">
          <dt>专门组织</dt>
          <dd>{missing(d.dedicatedUnit)}</dd>
          <dt>专门人员</dt>
          <dd>
            {d.dedicatedStaff.length
              ? d.dedicatedStaff.map((s, i) => (
                  <span key={i}>
                    {i > 0 ? '；' : ''}
                    {[s.name, s.title, s.phone].filter(Boolean).join(' ')}
                    {s.email ? (
                      <>
                        {' '}
                        <span translate={false}>{s.email}</span>
                      </>
                    ) : null}
                  </span>
                ))
              : missing(null)}
          </dd>
          <dt>专门办法</dt>
          <dd>{missing(d.method)}</dd>
          <dt>主管类别</dt>
          <dd>
            {d.categories.length ? (
              d.categories.map((c, i) => (
                <span key={c.code}>
                  {i > 0 ? '、' : ''}
                  <CategoryName category={c} />
                </span>
              ))
            ) : (
              <span class="muted">—</span>
            )}
          </dd>
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
                <td>
                  <CategoryName category={o.category} />
                </td>
                <td>
                  <RegionLink region={o.region} />
                </td>
                <td>{basisLabel(o.responsibility.basis)}</td>
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
