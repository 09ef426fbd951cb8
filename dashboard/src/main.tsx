import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getToken, setToken } from './api';
import { href, type Route, useRoute } from './router';
import './style.css';
import { DeptView } from './views/DeptView';
import { GapsView } from './views/GapsView';
import { LedgerView } from './views/LedgerView';
import { MatrixView } from './views/MatrixView';
import { OrgDetailView, OrgSearchView } from './views/OrgView';
import { ImpactView, OverseeView } from './views/OverseeView';
import { RegionView } from './views/RegionView';

const REGION_KEY = 'orgmap.region';

/** The region last looked at, so that the region-scoped tabs keep it. */
function rememberedRegion(route: Route): string | undefined {
  const [view, code] = route.parts;
  if (view === 'region' || view === 'matrix' || view === 'gaps' || view === 'ledger') {
    try {
      if (code) sessionStorage.setItem(REGION_KEY, code);
      else sessionStorage.removeItem(REGION_KEY);
    } catch {
      // storage off: tabs start at the top
    }
    return code;
  }
  try {
    return sessionStorage.getItem(REGION_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function TokenSettings() {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(getToken());
  const has = !!getToken();
  useEffect(() => {
    const onAuth = () => setOpen(true);
    window.addEventListener('orgmap:need-token', onAuth);
    return () => window.removeEventListener('orgmap:need-token', onAuth);
  }, []);
  return (
    <div class="token">
      <button type="button" class="token-button" onClick={() => setOpen(!open)} aria-expanded={open}>
        令牌{has ? ' ✓' : ''}
      </button>
      {open && (
        <form
          class="token-panel"
          onSubmit={(e) => {
            e.preventDefault();
            setToken(value);
            setOpen(false);
          }}
        >
          <label>
            访问令牌（仅保存在本浏览器）：
            <textarea rows={3} value={value} onInput={(e) => setValue((e.target as HTMLTextAreaElement).value)} aria-label="访问令牌" />
          </label>
          <div class="token-actions">
            <button type="submit">保存</button>
            <button
              type="button"
              onClick={() => {
                setValue('');
                setToken('');
                setOpen(false);
              }}
            >
              清除
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function Page({ route }: { route: Route }) {
  const [view, arg] = route.parts;
  const p = (k: string) => route.params.get(k) ?? '';
  switch (view) {
    case undefined:
    case 'region':
      return <RegionView code={arg} on={/^\d{4}-\d{2}-\d{2}$/.test(p('on')) ? p('on') : undefined} />;
    case 'matrix':
      return <MatrixView code={arg} />;
    case 'gaps':
      return <GapsView code={arg} kind={p('kind') || undefined} />;
    case 'ledger':
      return (
        <LedgerView
          code={arg}
          filter={{ status: p('status'), kind: p('kind'), owner: p('owner'), milestone: p('milestone'), overdue: p('overdue') === '1' }}
        />
      );
    case 'org':
      return arg ? <OrgDetailView code={arg} /> : <OrgSearchView q={p('q')} region={p('region') || undefined} />;
    case 'dept':
      return <DeptView code={arg ?? ''} />;
    case 'oversee':
      return <OverseeView category={p('category')} region={p('region')} />;
    case 'impact':
      return <ImpactView category={p('category')} kind={p('kind')} scope={p('scope')} remove={p('remove') === '1'} />;
    default:
      return (
        <section class="view" data-ready="true">
          <h1>页面不存在</h1>
          <p>
            <a href={href(['region'])}>返回区域概览</a>
          </p>
        </section>
      );
  }
}

function App() {
  const route = useRoute();
  const region = rememberedRegion(route);
  const view = route.parts[0] ?? 'region';
  const tabs: [string, string, string][] = [
    ['region', '区域概览', href(['region', region])],
    ['matrix', '责任矩阵', href(['matrix', region])],
    ['gaps', '覆盖缺口', href(['gaps', region])],
    ['ledger', '整改台账', href(['ledger', region])],
    ['org', '组织查询', href(['org'])],
    ['oversee', '谁来主管', href(['oversee'], { region })],
    ['impact', '规则影响预览', href(['impact'], { scope: region })],
  ];
  return (
    <>
      <header class="top">
        <a class="brand" href={href(['region'])}>
          两新组织责任地图
        </a>
        <nav class="tabs" aria-label="视图">
          {tabs.map(([key, label, to]) => (
            <a key={key} href={to} class={view === key || (view === 'dept' && key === 'org') ? 'tab active' : 'tab'} data-tab={key}>
              {label}
            </a>
          ))}
        </nav>
        <TokenSettings />
      </header>
      <main data-hash={route.hash}>
        <Page route={route} />
      </main>
      <footer class="foot">
        数据均来自本系统公开查询接口 · 接口调试：
        <a href="/" class="graphiql" translate={false}>
          GraphiQL
        </a>
      </footer>
    </>
  );
}

render(<App />, document.getElementById('app')!);
