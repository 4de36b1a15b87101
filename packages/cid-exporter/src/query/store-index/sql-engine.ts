/**
 * The embedded SQL engine the store index runs on, loaded only when an index is used: SQLite, either
 * Node's own `node:sqlite` (https://nodejs.org/api/sqlite.html, Node >= 22.13) or the `better-sqlite3`
 * package where it is installed (Node 20). Both are synchronous, so the reports keep their synchronous
 * API. Neither present: undefined, and the commands stream the logs instead.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type SqlValue = string | number | null;
export type SqlRow = Record<string, SqlValue>;

export interface SqlStatement {
  run(...params: SqlValue[]): void;
  get(...params: SqlValue[]): SqlRow | undefined;
  all(...params: SqlValue[]): SqlRow[];
  iterate(...params: SqlValue[]): IterableIterator<SqlRow>;
}

export interface SqlDatabase {
  /** `node:sqlite` or `better-sqlite3`. */
  readonly engine: string;
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}

interface NodeSqlite {
  DatabaseSync: new (file: string) => SqlDatabase;
  StatementSync?: { prototype: { iterate?: unknown } };
}
type BetterSqlite = new (file: string) => SqlDatabase;

/** Resolves optional packages from this module (CommonJS build) or from the working directory (ES module build). */
function requireOptional(name: string): unknown {
  const req = typeof require === 'function' ? require : createRequire(pathToFileURL(join(process.cwd(), 'index.js')).href);
  try {
    return req(name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_DLOPEN_FAILED') return undefined;
    // a package that is there but whose native part does not load (built for another Node) is not an engine
    if (/NODE_MODULE_VERSION|invalid ELF|cannot open shared object/.test((err as Error).message)) return undefined;
    throw err;
  }
}

let cached: ((file: string) => SqlDatabase) | null | undefined;

/** Opens (creating) the database file with the first engine available, or undefined when there is none. */
export function openSqlDatabase(file: string): SqlDatabase | undefined {
  if (cached === undefined) cached = findEngine();
  return cached ? cached(file) : undefined;
}

/** The engine's name, or undefined when no engine is available. */
export function sqlEngineName(): string | undefined {
  if (cached === undefined) cached = findEngine();
  return cached ? (cached === openNodeSqlite ? 'node:sqlite' : 'better-sqlite3') : undefined;
}

let nodeSqlite: NodeSqlite | undefined;
function openNodeSqlite(file: string): SqlDatabase {
  const db = new nodeSqlite!.DatabaseSync(file);
  return {
    engine: 'node:sqlite',
    exec: (sql) => db.exec(sql),
    prepare: (sql) => db.prepare(sql),
    close: () => db.close(),
  };
}

function findEngine(): ((file: string) => SqlDatabase) | null {
  if (process.env.LLM_PROVENANCE_INDEX_ENGINE !== 'better-sqlite3') {
    // getBuiltinModule (Node >= 20.16) gives undefined where node:sqlite does not exist, without the
    // experimental warning an import of a missing builtin would throw
    const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    const mod = getBuiltin?.('node:sqlite') as NodeSqlite | undefined;
    // statement iteration came in Node 22.13 / 23.4
    if (mod?.DatabaseSync && typeof mod.StatementSync?.prototype.iterate === 'function') {
      nodeSqlite = mod;
      return openNodeSqlite;
    }
  }
  const Better = requireOptional('better-sqlite3') as BetterSqlite | undefined;
  if (!Better) return null;
  return (file) => {
    const db = new Better(file);
    return { engine: 'better-sqlite3', exec: (sql) => db.exec(sql), prepare: (sql) => db.prepare(sql), close: () => db.close() };
  };
}
