// The one way the dashboard talks to orgmap: POST /graphql with JSON, the
// bearer token when one is set, and errors turned into ApiError with the
// server's extensions.code. Answers are cached for a short while so that
// going back and forth between views does not ask again.

const TOKEN_KEY = 'orgmap.token';
const CACHE_MS = 30_000;

export class ApiError extends Error {
  /** extensions.code of the first error (UNAUTHENTICATED, NOT_FOUND, …), or NETWORK / HTTP. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

type Listener = () => void;
const listeners = new Set<Listener>();

/** Stores the token (empty: forget it), clears the cache and tells every view to ask again. */
export function setToken(token: string): void {
  const t = token.trim();
  try {
    if (t) localStorage.setItem(TOKEN_KEY, t);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // private mode: the token lives only as long as the page
  }
  cache.clear();
  generation += 1;
  listeners.forEach((l) => l());
}

export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Bumped when the token changes; part of every view's data key. */
export let generation = 0;

interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

const cache = new Map<string, { at: number; promise: Promise<unknown> }>();

/** Runs one query or mutation against /graphql. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    // The browser's own reason ("Failed to fetch") is English and says no more than this.
    throw new ApiError('NETWORK', '无法连接服务，请检查网络连接或稍后重试。');
  }
  let body: { data?: T | null; errors?: GraphQLError[] } | undefined;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (body?.errors?.length) {
    const first = body.errors[0];
    const code =
      first.extensions?.code ?? (response.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL');
    throw new ApiError(code, body.errors.map((e) => e.message).join('；'));
  }
  if (response.status === 401) throw new ApiError('UNAUTHENTICATED', '需要访问令牌');
  if (response.status === 403) throw new ApiError('FORBIDDEN', '没有权限');
  if (!response.ok || !body || body.data == null) {
    throw new ApiError('HTTP', `服务返回异常（状态码 ${response.status}）。`);
  }
  return body.data;
}

/** gql with a short-lived cache keyed by query and variables; failures are not kept. */
export function cachedGql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const key = query + '\u0000' + JSON.stringify(variables);
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS) return hit.promise as Promise<T>;
  const promise = gql<T>(query, variables);
  cache.set(key, { at: now, promise });
  promise.catch(() => cache.delete(key));
  return promise;
}

/** What a person should read for an error code. */
export function describeError(err: unknown): { title: string; message: string; code: string } {
  if (err instanceof ApiError) {
    const titles: Record<string, string> = {
      UNAUTHENTICATED: '需要访问令牌：请点击右上角“令牌”粘贴访问令牌后重试',
      FORBIDDEN: '没有权限：当前令牌无权执行此操作',
      BAD_USER_INPUT: '输入有误',
      NOT_FOUND: '未找到',
      CONFLICT: '数据冲突',
      INTERNAL: '服务内部错误',
      NETWORK: '网络错误',
      HTTP: '服务错误',
    };
    return { title: titles[err.code] ?? '服务错误', message: err.message, code: err.code };
  }
  // Anything else was thrown by the browser, in English (the views raise
  // their own errors as ApiError, in Chinese): only its kind is worth showing.
  return { title: '页面错误', message: '页面运行出错，请刷新后重试。', code: 'CLIENT' };
}
