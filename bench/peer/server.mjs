// The peer orgmap is measured against on PostgreSQL: PostGraphile 5
// generating a GraphQL API from orgmap's own tables, configured as a user
// who picked it would configure it (the Amber preset, relation filters from
// postgraphile-plugin-connection-filter, grouped counts from
// @graphile/pg-aggregates), in production mode (no GraphiQL, no explain,
// no schema watching).
//
//   node server.mjs DATABASE_URL LISTEN        (LISTEN: 127.0.0.1:18082)
//
// It serves POST /graphql and, once the schema is built, GET /healthz.
// It writes nothing to the database and needs no smart tags: every relation
// it serves (an organization's stored responsibility, the department that
// names) is one of orgmap's foreign keys.

import { createServer } from "node:http";

import { PgAggregatesPreset } from "@graphile/pg-aggregates";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

const [databaseUrl, listen] = process.argv.slice(2);
if (!databaseUrl || !listen) {
  console.error("usage: node server.mjs DATABASE_URL HOST:PORT");
  process.exit(2);
}
const at = listen.lastIndexOf(":");
const host = listen.slice(0, at);
const port = Number(listen.slice(at + 1));

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset, PgAggregatesPreset],
  pgServices: [makePgService({ connectionString: databaseUrl, schemas: ["public"] })],
  schema: {
    // Filtering organizations by their region's ancestors goes through
    // region_closure, a relation filter.
    connectionFilterRelations: true,
  },
  grafserv: { graphqlPath: "/graphql", graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
// Build the schema before answering /healthz, so that the benchmark's
// clock starts on a server that is ready.
await pgl.getSchema();
const serv = pgl.createServ(grafserv);
// createHandler (not addTo): requests grafserv does not serve fall through
// to /healthz. No WebSocket is needed.
const graphql = serv.createHandler();
const server = createServer((req, res) => {
  graphql(req, res, () => {
    const ok = req.method === "GET" && req.url === "/healthz";
    res.writeHead(ok ? 200 : 404, { "content-type": "text/plain" });
    res.end(ok ? "ok" : "not found");
  });
});
// As orgmap's listener does.
server.on("connection", (socket) => socket.setNoDelay(true));
server.keepAliveTimeout = 75_000;
server.listen(port, host, () => {
  console.error(`postgraphile peer: serving ${databaseUrl.replace(/\/\/[^@]*@/, "//…@")} on http://${listen}/graphql`);
});

const stop = async () => {
  server.close();
  await pgl.release();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
