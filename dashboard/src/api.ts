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

interface Answer<T> {
  data?: T | null;
  errors?: GraphQLError[];
}

/** POSTs one operation or a batch of them; a failed connection is an ApiError in Chinese. */
async function post(body: unknown): Promise<{ response: Response; json: unknown }> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(body) });
  } catch {
    // The browser's own reason ("Failed to fetch") is English and says no more than this.
    throw new ApiError('NETWORK', '无法连接服务，请检查网络连接或稍后重试。');
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = undefined;
  }
  return { response, json };
}

/** The data of one answer, or its errors as an ApiError with the server's (Chinese) messages. */
function dataOf<T>(response: Response, body: Answer<T> | undefined): T {
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

/** Runs one query or mutation against /graphql. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { response, json } = await post({ query, variables });
  return dataOf<T>(response, json as Answer<T> | undefined);
}

/** The most operations the server takes in one batched request (its --max-batch default). */
export const MAX_BATCH = 10;

/**
 * Runs several queries in one request (a GraphQL batch: one POST, one
 * answer per operation), so that a view's requests stay constant however
 * many operations its aliases had to be split into.
 */
export async function gqlBatch<T>(operations: { query: string; variables?: Record<string, unknown> }[]): Promise<T[]> {
  if (operations.length === 1) return [await gql<T>(operations[0].query, operations[0].variables)];
  const { response, json } = await post(operations.map((o) => ({ query: o.query, variables: o.variables ?? {} })));
  if (!Array.isArray(json)) return [dataOf<T>(response, json as Answer<T> | undefined)];
  return json.map((answer) => dataOf<T>(response, answer as Answer<T>));
}

/** gql with a short-lived cache keyed by query and variables; failures are not kept. */
export function cachedGql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return cached(query + '\u0000' + JSON.stringify(variables), () => gql<T>(query, variables));
}

/** Runs `ask` unless the same question was answered within CACHE_MS. */
export function cached<T>(key: string, ask: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS) return hit.promise as Promise<T>;
  const promise = ask();
  cache.set(key, { at: now, promise });
  promise.catch(() => cache.delete(key));
  return promise;
}

/** After a write: forgets every cached answer and tells every view to ask again. */
export function refreshAll(): void {
  cache.clear();
  generation += 1;
  listeners.forEach((l) => l());
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

/** Aliases per operation: under the server's default limit of 30 aliases per document. */
const ALIASES_PER_OPERATION = 25;

/**
 * One field asked once per key (a child region's summary, its snapshot of a
 * day), with aliases, in as few operations as the alias limit allows, all
 * sent in one request. `field(key)` is the field with its arguments and
 * selection, written without an alias; keys past what one batch can hold
 * are left out of the answer (the view shows "—" for them).
 */
export function aliasedBatch<T>(field: (key: string) => string, keys: string[]): Promise<Map<string, T>> {
  const asked = keys.slice(0, ALIASES_PER_OPERATION * MAX_BATCH);
  const chunks: string[][] = [];
  for (let i = 0; i < asked.length; i += ALIASES_PER_OPERATION) chunks.push(asked.slice(i, i + ALIASES_PER_OPERATION));
  if (chunks.length === 0) return Promise.resolve(new Map());
  const operations = chunks.map((chunk, c) => ({
    query: `query Batch${c} { ${chunk.map((key, i) => `k${c * ALIASES_PER_OPERATION + i}: ${field(key)}`).join('\n')} }`,
  }));
  return cached(JSON.stringify(operations), async () => {
    const answers = await gqlBatch<Record<string, T>>(operations);
    const out = new Map<string, T>();
    answers.forEach((answer) => {
      for (const [alias, value] of Object.entries(answer)) out.set(asked[Number(alias.slice(1))], value);
    });
    return out;
  });
}

/** A string as a GraphQL string literal (region codes, dates: JSON's quoting is GraphQL's). */
export function literal(value: string | null | undefined): string {
  return value == null ? 'null' : JSON.stringify(value);
}
