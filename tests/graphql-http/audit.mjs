// Runs the graphql-http audit suite (the GraphQL-over-HTTP specification's
// MUST and SHOULD checks) against the orgmap at the URL given, prints every
// result, and fails when a MUST fails (or, with --strict, a SHOULD).
import { auditServer } from 'graphql-http';

const url = process.argv[2] ?? 'http://127.0.0.1:8000/graphql';
const strict = process.argv.includes('--strict');

const results = await auditServer({ url, fetchFn: fetch });
const counts = { ok: 0, warn: 0, error: 0 };
for (const result of results) {
  counts[result.status] += 1;
  const line = `${result.status.padEnd(5)} ${result.id} ${result.name}`;
  console.log(result.status === 'ok' ? line : `${line}\n      ${result.reason}`);
}
console.log(
  `\n${results.length} checks: ${counts.ok} passed, ${counts.warn} SHOULD not met, ${counts.error} MUST failed`,
);
if (counts.error > 0 || (strict && counts.warn > 0)) {
  process.exit(1);
}
