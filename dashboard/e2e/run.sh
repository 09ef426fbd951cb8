#!/usr/bin/env bash
# End-to-end tests of the dashboard: a fresh demo database, orgmap serving it
# on a free loopback port, the tests in headless Chromium, then the server
# stopped. Builds nothing: the orgmap binary comes from ORGMAP_BIN (default
# target/debug/orgmap, relative to the repository root), the front end from
# the committed dashboard/dist embedded in it. Needs `npm ci` in dashboard/
# and Debian's chromium (/usr/bin/chromium, or CHROMIUM=path).
#
#   E2E_ORGANIZATIONS  demo size (default 5000)
#   ORGMAP_BIN         the orgmap binary
set -euo pipefail

dashboard="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$dashboard/.." && pwd)"
bin="${ORGMAP_BIN:-target/debug/orgmap}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "e2e: no orgmap binary at $bin (cargo build, or set ORGMAP_BIN)" >&2; exit 1; }
[ -d "$dashboard/node_modules/playwright-core" ] || { echo "e2e: run 'npm ci' in $dashboard first" >&2; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "e2e: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/orgmap-e2e.XXXXXX")"
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

db="sqlite://$work/e2e.db?mode=rwc"
echo "e2e: demo province of ${E2E_ORGANIZATIONS:-5000} organizations"
"$bin" demo --organizations "${E2E_ORGANIZATIONS:-5000}" --database-url "$db" >"$work/demo.log" 2>&1 \
  || { cat "$work/demo.log" >&2; exit 1; }

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
url="http://127.0.0.1:$port"
RUST_LOG="${RUST_LOG:-warn}" "$bin" serve --database-url "$db" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!

echo "e2e: waiting for $url/healthz"
for _ in $(seq 1 120); do
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$url/healthz"; then
    break
  fi
  kill -0 "$server" 2>/dev/null || { echo "e2e: the server stopped" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done

cd "$dashboard"
status=0
ORGMAP_URL="$url" node --test --test-concurrency=1 e2e/ || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: server log:" >&2
  tail -n 50 "$work/server.log" >&2
fi
echo "e2e: screenshots in $dashboard/e2e/screenshots/"
exit "$status"
