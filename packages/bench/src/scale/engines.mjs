// The two embedded engines considered for the store index, side by side on the same store and the same
// rows: SQLite through better-sqlite3 and DuckDB through @duckdb/node-api. Neither is a dependency of the
// bench: install them where Node can resolve them (e.g. NODE_PATH) to run this; an engine that does not
// load is reported as such.
//   node engines.mjs <storeDir> <scratchDir>
// Rows are the index's columns (packages/cid-exporter/src/query/store-index/store-index.ts), read once
// from the store's logs (openSource, JSON.parse per record) and handed to both engines batch by batch.
// Measured per engine: build (inserts in one transaction / an appender, then SQLite's start index or
// DuckDB's checkpoint), size on disk, and three reads, each the best of 3:
//   aggregate  count and sums per provider and model over every row (what a report groups)
//   selective  one user's calls of one model, newest 20 (what query --user --model --limit 20 asks)
//   scan       every row into JS in stored order (what the exact report path reads)
// Prints `BENCH_RESULT {...}`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { openSource } from '@llm-provenance/cid-exporter';

const [dir, scratch] = process.argv.slice(2);
const require = createRequire(path.join(process.cwd(), 'index.js'));
const load = (name) => {
  try {
    return require(name);
  } catch (error) {
    return { error: String(error.message).split('\n')[0] };
  }
};
const Better = load('better-sqlite3');
const duck = load('@duckdb/node-api');

const COLUMNS = [
  ['log_no', 'INTEGER'],
  ['line', 'INTEGER'],
  ['start_ns', 'BIGINT'],
  ['trace_id', 'VARCHAR'],
  ['error', 'INTEGER'],
  ['user', 'VARCHAR'],
  ['task', 'VARCHAR'],
  ['provider', 'VARCHAR'],
  ['req_model', 'VARCHAR'],
  ['operation', 'VARCHAR'],
  ['input_cid', 'VARCHAR'],
  ['output_cid', 'VARCHAR'],
  ['in_tok', 'DOUBLE'],
  ['out_tok', 'DOUBLE'],
  ['cost', 'DOUBLE'],
  ['latency_ms', 'DOUBLE'],
];
const num = (v) => (typeof v === 'number' ? v : null);
const str = (v) => (typeof v === 'string' ? v : null);
const link = (v) => (v && typeof v['/'] === 'string' ? v['/'] : null);

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const clock = () => Number(process.hrtime.bigint()) / 1e9;
const timer = () => ({ wall: 0, cpu: 0 });
const timed = (t, fn) => {
  const w = clock();
  const c = cpu();
  const out = fn();
  t.wall += clock() - w;
  t.cpu += cpu() - c;
  return out;
};
const timedAsync = async (t, fn) => {
  const w = clock();
  const c = cpu();
  const out = await fn();
  t.wall += clock() - w;
  t.cpu += cpu() - c;
  return out;
};

const sqliteFile = path.join(scratch, 'engines.sqlite');
const duckFile = path.join(scratch, 'engines.duckdb');
const result = {
  rows: 0,
  extract: timer(),
  sqlite: Better.error ? { error: Better.error } : { build: timer() },
  duckdb: duck.error ? { error: duck.error } : { build: timer() },
};

let sqlite;
let insert;
if (!Better.error) {
  sqlite = new Better(sqliteFile);
  sqlite.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;');
  sqlite.exec(`CREATE TABLE spans (${COLUMNS.map(([c, t]) => `${c} ${t === 'VARCHAR' ? 'TEXT' : t === 'DOUBLE' ? 'REAL' : 'INTEGER'}`).join(', ')})`);
  insert = sqlite.prepare(`INSERT INTO spans VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  sqlite.exec('BEGIN');
}
let duckDb;
let duckConn;
let appender;
if (!duck.error) {
  duckDb = await duck.DuckDBInstance.create(duckFile);
  duckConn = await duckDb.connect();
  await duckConn.run(`CREATE TABLE spans (${COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})`);
  appender = await duckConn.createAppender('spans');
}

const batch = [];
const flush = () => {
  if (sqlite) timed(result.sqlite.build, () => batch.forEach((r) => insert.run(...r)));
  if (appender) {
    timed(result.duckdb.build, () => {
      for (const r of batch) {
        r.forEach((v, i) => {
          const type = COLUMNS[i][1];
          if (v === null) appender.appendNull();
          else if (type === 'VARCHAR') appender.appendVarchar(v);
          else if (type === 'DOUBLE') appender.appendDouble(v);
          else if (type === 'BIGINT') appender.appendBigInt(BigInt(v));
          else appender.appendInteger(v);
        });
        appender.endRow();
      }
    });
  }
  batch.length = 0;
};

const source = openSource(dir);
const logNos = new Map();
let line = 0;
const extractStart = { wall: clock(), cpu: cpu() };
source.forEachRecord((bytes, start, end, place) => {
  const r = JSON.parse(bytes.toString('utf8', start, end));
  if (r.type !== 'span') return true;
  if (!logNos.has(place.log)) logNos.set(place.log, logNos.size);
  const a = r.attributes ?? {};
  batch.push([
    logNos.get(place.log),
    line++,
    r.start,
    r.traceId,
    r.status?.code === 'ERROR' ? 1 : 0,
    str(a['enduser.id']),
    str(a['provenance.task.id']),
    str(a['gen_ai.provider.name']),
    str(a['gen_ai.request.model']),
    str(a['gen_ai.operation.name']),
    link(r.input),
    link(r.output),
    num(a['gen_ai.usage.input_tokens']),
    num(a['gen_ai.usage.output_tokens']),
    num(a['gen_ai.usage.cost.amount']),
    Number(BigInt(r.end) - BigInt(r.start)) / 1e6,
  ]);
  result.rows++;
  if (batch.length === 10_000) flush();
  return true;
});
flush();
source.close();
result.extract = { wall: clock() - extractStart.wall - (result.sqlite.build?.wall ?? 0) - (result.duckdb.build?.wall ?? 0) };
if (sqlite) {
  timed(result.sqlite.build, () => {
    sqlite.exec('COMMIT');
    sqlite.exec('CREATE INDEX spans_start ON spans (start_ns)');
  });
}
if (appender) {
  await timedAsync(result.duckdb.build, async () => {
    appender.closeSync();
    await duckConn.run('CHECKPOINT');
  });
}

const AGGREGATE =
  'SELECT provider, req_model, count(*) AS calls, sum(error) AS errors, sum(in_tok) AS i, sum(out_tok) AS o, sum(cost) AS c FROM spans GROUP BY provider, req_model ORDER BY provider, req_model';
const SELECTIVE = "SELECT log_no, line FROM spans WHERE user = 'user-7' AND req_model = 'gpt-4.1' ORDER BY start_ns DESC LIMIT 20";
const SCAN = 'SELECT * FROM spans ORDER BY log_no, line';
const best = async (fn) => {
  let out = { wall: Infinity, cpu: Infinity };
  let answer;
  for (let i = 0; i < 3; i++) {
    const t = timer();
    answer = await timedAsync(t, fn);
    if (t.wall < out.wall) out = t;
  }
  return { ...out, answer };
};
if (sqlite) {
  result.sqlite.bytes = fs.statSync(sqliteFile).size;
  result.sqlite.aggregate = await best(() => sqlite.prepare(AGGREGATE).all().length);
  result.sqlite.selective = await best(() => sqlite.prepare(SELECTIVE).all().length);
  result.sqlite.scan = await best(() => {
    let n = 0;
    for (const _ of sqlite.prepare(SCAN).iterate()) n++;
    return n;
  });
  sqlite.close();
}
if (duckConn) {
  result.duckdb.bytes = fs.statSync(duckFile).size + (fs.existsSync(`${duckFile}.wal`) ? fs.statSync(`${duckFile}.wal`).size : 0);
  result.duckdb.aggregate = await best(async () => (await duckConn.runAndReadAll(AGGREGATE)).getRows().length);
  result.duckdb.selective = await best(async () => (await duckConn.runAndReadAll(SELECTIVE)).getRows().length);
  result.duckdb.scan = await best(async () => {
    const r = await duckConn.stream(SCAN);
    let n = 0;
    for (let chunk = await r.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await r.fetchChunk()) n += chunk.getRows().length;
    return n;
  });
  duckConn.closeSync();
  duckDb.closeSync();
}
fs.rmSync(sqliteFile, { force: true });
fs.rmSync(duckFile, { force: true });
fs.rmSync(`${duckFile}.wal`, { force: true });
result.maxRssKiB = process.resourceUsage().maxRSS;
console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
