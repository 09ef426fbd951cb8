import { useEffect, useState } from 'preact/hooks';
import { cachedGql, generation, onTokenChange } from './api';

export interface QueryState<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
}

/**
 * Runs `query` whenever it or `variables` change (and again when the token
 * changes); a late answer to an older question is dropped. `skip` leaves
 * the state empty (a form not yet submitted).
 */
export function useQuery<T>(query: string, variables: Record<string, unknown>, skip = false): QueryState<T> {
  return useAsk<T>(`${query}\u0000${JSON.stringify(variables)}`, () => cachedGql<T>(query, variables), skip);
}

/**
 * Asks `ask` whenever `question` (a key saying what it asks) changes, and
 * again when the token changes or a write asks every view to refresh.
 */
export function useAsk<T>(question: string, ask: () => Promise<T>, skip = false): QueryState<T> {
  const [gen, setGen] = useState(generation);
  const key = `${gen}\u0000${question}\u0000${skip}`;
  // The answer is kept with the question it answers, so that a view never
  // takes the previous question's data for the current one's.
  const [state, setState] = useState<{ key: string; data?: T; error?: unknown; done: boolean }>({ key: '', done: false });
  useEffect(() => onTokenChange(() => setGen(generation)), []);
  useEffect(() => {
    if (skip) {
      setState({ key, done: true });
      return;
    }
    let live = true;
    ask().then(
      (data) => live && setState({ key, data, done: true }),
      (error) => live && setState({ key, error, done: true }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const current = state.key === key && state.done;
  return {
    // Until the new answer comes, the previous data stays on screen (no flicker), marked as loading.
    data: state.data,
    error: current ? state.error : undefined,
    loading: !current,
  };
}

/** Forward-only cursor pages with a way back: the cursors of the pages seen so far. */
export function useCursorPages(resetKey: string) {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const [seenKey, setSeenKey] = useState(resetKey);
  let current = stack;
  if (seenKey !== resetKey) {
    current = [null];
    setSeenKey(resetKey);
    setStack(current);
  }
  return {
    after: current[current.length - 1],
    page: current.length,
    next: (cursor: string | null | undefined) => cursor && setStack([...current, cursor]),
    prev: () => current.length > 1 && setStack(current.slice(0, -1)),
    first: () => setStack([null]),
  };
}
