// PostgreSQL (a machine service, never started here): the databases, extensions and schemas the
// apps and tests expect, created if missing.
import pg from 'pg';
import { InfraError, describe, isUnreachable, redact } from './config.mjs';

const PG_EXTENSIONS = ['btree_gist', 'pgcrypto'];
const PG_SCHEMAS = ['identity', 'rentals', 'payments', 'notifications'];
// Arbitrary constant key: all `up` runs take this advisory lock so parallel runs never race on DDL.
const PG_LOCK_KEY = 0x52_47_49_4e; // "RGIN"

export async function ensurePostgres({ databaseUrl, extraDatabases }) {
  const target = new URL(databaseUrl);
  const databases = [...new Set([databaseName(target), ...extraDatabases])];
  const admin = await connectPostgres(withDatabase(target, 'postgres'), target);
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [PG_LOCK_KEY]);
    for (const name of databases) {
      await createDatabaseIfMissing(admin, name);
      await prepareDatabase(withDatabase(target, name));
    }
  } finally {
    await admin.end();
  }
  const extra = databases.length > 1 ? ` (databases: ${databases.join(', ')})` : '';
  return { url: redact(target), databases, summary: `postgres ready at ${redact(target)}${extra}` };
}

async function createDatabaseIfMissing(admin, name) {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (rowCount === 0) {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  }
}

async function prepareDatabase(url) {
  const client = await connectPostgres(url);
  try {
    for (const ext of PG_EXTENSIONS) {
      await client.query(`CREATE EXTENSION IF NOT EXISTS ${client.escapeIdentifier(ext)}`);
    }
    for (const schema of PG_SCHEMAS) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
    }
  } finally {
    await client.end();
  }
}

export async function postgresStatus({ databaseUrl, extraDatabases }) {
  const target = new URL(databaseUrl);
  const wanted = [...new Set([databaseName(target), ...extraDatabases])];
  try {
    const admin = await connectPostgres(withDatabase(target, 'postgres'), target);
    try {
      const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [wanted]);
      const present = new Set(rows.map((row) => row.datname));
      const missing = wanted.filter((name) => !present.has(name));
      const note = missing.length ? ` (missing databases: ${missing.join(', ')}; run up)` : '';
      return { up: missing.length === 0, line: `postgres up at ${redact(target)}${note}` };
    } finally {
      await admin.end();
    }
  } catch (err) {
    return { up: false, line: `postgres DOWN: ${err.message}` };
  }
}

// `shown` is the URL the user configured, even when connecting to the maintenance database.
async function connectPostgres(url, shown = url) {
  const client = new pg.Client({ connectionString: url.href, connectionTimeoutMillis: 5000 });
  client.on('error', () => {}); // a dropped idle connection must not crash the process; queries still reject
  try {
    await client.connect();
    return client;
  } catch (err) {
    throw new InfraError(
      isUnreachable(err)
        ? `PostgreSQL is not reachable at ${redact(shown)} (${describe(err)}). Start it (e.g. ` +
            '`sudo service postgresql start` or `pg_ctlcluster <version> main start`) or set DATABASE_URL.'
        : `PostgreSQL at ${redact(url)} refused the connection: ${describe(err)}`,
    );
  }
}

function databaseName(url) {
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) {
    throw new InfraError(`DATABASE_URL ${redact(url)} names no database`);
  }
  return name;
}

function withDatabase(url, name) {
  const copy = new URL(url);
  copy.pathname = `/${encodeURIComponent(name)}`;
  return copy;
}
