// Hash routing: #/region/350100, #/gaps/350100?kind=UNASSIGNED, #/org/<code> …
// Deep links work without any server route.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** Path segments after '#/', e.g. ['region', '350100']. */
  parts: string[];
  params: URLSearchParams;
  /** The hash this route was read from. */
  hash: string;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(query), hash };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Builds '#/a/b?x=1', leaving out empty parameters. */
export function href(parts: (string | undefined | null)[], params: Record<string, string | undefined | null> = {}): string {
  const path = parts.filter((p): p is string => !!p).map(encodeURIComponent).join('/');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const qs = q.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(to: string): void {
  if (location.hash !== to) location.hash = to;
}
