#!/usr/bin/env node
// Local infrastructure for RentGuy (ARCHITECTURE.md §12): checks and prepares the machine's
// PostgreSQL and Redis, and runs a real single-node Kafka (KRaft) from Maven Central jars because
// the project's machines have no Docker. See tools/infra/README.md.
//
//   node tools/infra/infra.mjs up | down | status
//
// Also importable (e.g. from a jest globalSetup): `import { up, down, status } from '.../infra.mjs'`.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { topicSpecs } from './topics.mjs';

const INFRA_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(INFRA_DIR, '..', '..');
const POM = path.join(INFRA_DIR, 'kafka', 'pom.xml');
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'kafka');
const FILES = {
  libs: path.join(CACHE_DIR, 'libs'),
  data: path.join(CACHE_DIR, 'data'),
  serverProperties: path.join(CACHE_DIR, 'server.properties'),
  log4jProperties: path.join(CACHE_DIR, 'log4j.properties'),
  brokerLog: path.join(CACHE_DIR, 'broker.log'),
  consoleLog: path.join(CACHE_DIR, 'kafka.out'),
  pid: path.join(CACHE_DIR, 'kafka.pid'),
  lock: path.join(CACHE_DIR, 'up.lock'),
};

const DEFAULTS = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/rentguy',
  redisUrl: 'redis://127.0.0.1:6379',
  kafkaBrokers: '127.0.0.1:9092',
};
const PG_EXTENSIONS = ['btree_gist', 'pgcrypto'];
const PG_SCHEMAS = ['identity', 'rentals', 'payments', 'notifications'];
// Arbitrary constant key: all `up` runs take this advisory lock so parallel runs never race on DDL.
const PG_LOCK_KEY = 0x52_47_49_4e; // "RGIN"

// Any fixed id will do since the log dir is formatted afresh on every start (16 bytes, base64url).
const KAFKA_CLUSTER_ID = Buffer.from('rentguy-local-kf').toString('base64url');
const JAVA = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
// Sized for a 2-core developer/CI machine: a short-lived test broker, not a production one.
const BROKER_JVM_FLAGS = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
const TOOL_JVM_FLAGS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies';
const KAFKA_READY_TIMEOUT_MS = 90_000;
const KAFKA_STOP_TIMEOUT_MS = 20_000;
const LOCK_TIMEOUT_MS = 300_000; // the holder may be downloading jars on a slow link

/** An expected, explained failure: the CLI prints only its message. */
export class InfraError extends Error {}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Brings local infrastructure up (idempotent) and waits until it is ready.
 * Options override the environment: databaseUrl, extraDatabases, redisUrl, kafkaBrokers; and
 * logger ({ log, warn }, either may be left out).
 */
export async function up(options = {}) {
  const config = resolveConfig(options);
  const names = ['postgres', 'redis', 'kafka'];
  // In parallel: the Kafka start dominates, and every problem gets reported in one run.
  const results = await Promise.allSettled([
    ensurePostgres(config),
    ensureRedis(config),
    ensureKafka(config),
  ]);
  const failures = [];
  const summary = {};
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') {
      summary[names[i]] = result.value;
      config.logger.log(result.value.summary);
    } else {
      failures.push(result.reason);
    }
  });
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new InfraError(failures.map((err) => err.message).join('\n'));
  return summary;
}

/** Stops what `up` started (only the Kafka broker; PostgreSQL and Redis belong to the machine). */
export async function down(options = {}) {
  const { logger } = resolveConfig(options);
  const pid = readPid();
  if (!pid) {
    logger.log('kafka: nothing to stop (not started by infra)');
    return { stopped: false };
  }
  if (!isOurBroker(pid)) {
    fs.rmSync(FILES.pid, { force: true });
    logger.log(`kafka: nothing to stop (stale pid file for pid ${pid} removed)`);
    return { stopped: false };
  }
  const forced = await stopProcess(pid);
  fs.rmSync(FILES.pid, { force: true });
  logger.log(`kafka stopped (pid ${pid}${forced ? ', killed after timeout' : ''})`);
  return { stopped: true, pid, forced };
}

/** Reports what is up, without changing anything. `allUp` tells whether `up` would be a no-op. */
export async function status(options = {}) {
  const config = resolveConfig(options);
  const checks = await Promise.all([postgresStatus(config), redisStatus(config), kafkaStatus(config)]);
  for (const check of checks) config.logger.log(check.line);
  return { postgres: checks[0], redis: checks[1], kafka: checks[2], allUp: checks.every((c) => c.up) };
}

function resolveConfig(options) {
  const env = options.env ?? process.env;
  return {
    databaseUrl: options.databaseUrl ?? (env.DATABASE_URL || DEFAULTS.databaseUrl),
    extraDatabases: toList(options.extraDatabases ?? env.INFRA_EXTRA_DATABASES),
    redisUrl: options.redisUrl ?? (env.REDIS_URL || DEFAULTS.redisUrl),
    kafkaBrokers: toList(options.kafkaBrokers ?? (env.KAFKA_BROKERS || DEFAULTS.kafkaBrokers)),
    // A caller may silence progress (`{ log() {} }`); warnings still reach stderr unless it overrides them.
    logger: { log: (line) => console.log(line), warn: (line) => console.warn(line), ...options.logger },
  };
}

function toList(value) {
  if (Array.isArray(value)) return value;
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

async function ensurePostgres({ databaseUrl, extraDatabases }) {
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
  if (rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
}

async function prepareDatabase(url) {
  const client = await connectPostgres(url);
  try {
    for (const ext of PG_EXTENSIONS)
      await client.query(`CREATE EXTENSION IF NOT EXISTS ${client.escapeIdentifier(ext)}`);
    for (const schema of PG_SCHEMAS)
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
  } finally {
    await client.end();
  }
}

async function postgresStatus({ databaseUrl, extraDatabases }) {
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
  if (!name) throw new InfraError(`DATABASE_URL ${redact(url)} names no database`);
  return name;
}

function withDatabase(url, name) {
  const copy = new URL(url);
  copy.pathname = `/${encodeURIComponent(name)}`;
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Redis

async function ensureRedis({ redisUrl, logger }) {
  const redis = await connectRedis(redisUrl);
  try {
    await redis.ping();
    const warning = await ensureNoEviction(redis);
    if (warning) logger.warn(`warning: redis ${warning}`);
  } finally {
    redis.disconnect();
  }
  return { url: redact(new URL(redisUrl)), summary: `redis ready at ${redact(new URL(redisUrl))}` };
}

// BullMQ silently loses jobs if Redis may evict keys, so the queue Redis must use `noeviction`.
async function ensureNoEviction(redis) {
  let policy;
  try {
    [, policy] = await redis.config('GET', 'maxmemory-policy');
    if (policy === 'noeviction') return null;
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    return `maxmemory-policy was ${policy}, set to noeviction (runtime only; set it in redis.conf to keep it)`;
  } catch (err) {
    return `maxmemory-policy is ${policy ?? 'unknown'} and could not be set to noeviction (${err.message}); BullMQ needs noeviction`;
  }
}

async function redisStatus({ redisUrl }) {
  const url = redact(new URL(redisUrl));
  try {
    const redis = await connectRedis(redisUrl);
    try {
      await redis.ping();
      const [, policy] = await redis.config('GET', 'maxmemory-policy').catch(() => []);
      const note =
        policy === 'noeviction' ? '' : ` (maxmemory-policy ${policy ?? 'unknown'}, BullMQ needs noeviction)`;
      return { up: true, line: `redis up at ${url}${note}` };
    } finally {
      redis.disconnect();
    }
  } catch (err) {
    return { up: false, line: `redis DOWN: ${err.message}` };
  }
}

async function connectRedis(redisUrl) {
  // One attempt, no reconnects and no offline queue: a down server must fail fast, not hang.
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // connect() only says "Connection is closed."; the cause arrives as an 'error' event.
  let cause;
  redis.on('error', (err) => {
    cause ??= err;
  });
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new InfraError(
      `Redis is not reachable at ${redact(new URL(redisUrl))} (${describe(cause ?? err)}). Start it (e.g. ` +
        '`sudo service redis-server start` or `redis-server --daemonize yes`) or set REDIS_URL.',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Kafka: reuse a broker if one answers, else start ours; then create the platform's topics.

async function ensureKafka({ kafkaBrokers, logger }) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  // Parallel `up` runs (e.g. several jest projects) must not format and start two brokers.
  return withFileLock(FILES.lock, async () => {
    const address = kafkaBrokers.join(',');
    let broker;
    let state;
    if (await kafkaAnswers(kafkaBrokers)) {
      const pid = readPid();
      broker = { pid: pid && isOurBroker(pid) ? pid : null, started: false };
      state = broker.pid ? `already running, pid ${broker.pid}` : 'already running';
    } else {
      broker = await startBroker(kafkaBrokers, logger);
      state = broker.started ? `started, pid ${broker.pid}` : `was starting, pid ${broker.pid}`;
    }
    await prepareBroker(kafkaBrokers);
    return { brokers: kafkaBrokers, ...broker, summary: `kafka ready at ${address} (${state})` };
  });
}

async function kafkaStatus({ kafkaBrokers }) {
  const address = kafkaBrokers.join(',');
  const pid = readPid();
  const ours = pid && isOurBroker(pid);
  if (await kafkaAnswers(kafkaBrokers)) {
    return {
      up: true,
      line: `kafka up at ${address} (${ours ? `started by infra, pid ${pid}` : 'not started by infra'})`,
    };
  }
  const jars = fs.existsSync(path.join(FILES.libs, expectedKafkaJar()))
    ? 'jars cached'
    : 'jars not fetched yet';
  const note = ours
    ? `infra's broker, pid ${pid}, is running but not answering here; see ${FILES.brokerLog}`
    : jars;
  return { up: false, line: `kafka DOWN at ${address} (${note})` };
}

async function startBroker(brokers, logger) {
  const { host, port } = localBrokerAddress(brokers);
  const existing = readPid();
  if (existing && isOurBroker(existing)) {
    const running = runningBrokerAddress();
    if (running !== `${host}:${port}`) {
      throw new InfraError(
        `infra's broker (pid ${existing}) listens on ${running}, not ${host}:${port}: run \`down\` first or set KAFKA_BROKERS=${running}.`,
      );
    }
    // Ours, alive but not answering: an earlier `up` was interrupted while the broker was starting.
    await waitForKafka(brokers, { pid: existing });
    return { pid: existing, started: false };
  }
  await assertPortsFree(host, [port, port + 1]);
  await checkJava();
  await fetchJars(logger);
  writeBrokerConfig(host, port);
  await formatStorage();
  logger.log(`kafka: starting a local broker on ${host}:${port}…`);
  const child = launchBroker();
  fs.writeFileSync(FILES.pid, `${child.pid}\n`);
  await waitForKafka(brokers, { pid: child.pid, child });
  return { pid: child.pid, started: true };
}

function localBrokerAddress(brokers) {
  const match = brokers.length === 1 && /^(127\.0\.0\.1|localhost):(\d+)$/.exec(brokers[0]);
  if (!match) {
    throw new InfraError(
      `Kafka is not reachable at ${brokers.join(',')}, and infra only starts a broker for a single 127.0.0.1:<port> address.`,
    );
  }
  return { host: '127.0.0.1', port: Number(match[2]) };
}

function runningBrokerAddress() {
  const properties = fs.readFileSync(FILES.serverProperties, 'utf8');
  return /^listeners=PLAINTEXT:\/\/([^,\s]+)/m.exec(properties)?.[1] ?? 'an unknown address';
}

async function assertPortsFree(host, ports) {
  for (const port of ports) {
    if (await portOpen(host, port)) {
      throw new InfraError(
        `Cannot start Kafka: ${host}:${port} is taken by something that is not a Kafka broker answering on ${host}:${ports[0]}.`,
      );
    }
  }
}

async function checkJava() {
  const { stderr } = await runTool(
    JAVA,
    ['-version'],
    'Java 17 is needed to run the local Kafka broker (e.g. `sudo apt-get install openjdk-17-jre-headless`), or point KAFKA_BROKERS at a running broker.',
  );
  const [, first, second] = /version "(\d+)(?:\.(\d+))?/.exec(stderr) ?? [];
  const major = Number(first) === 1 ? Number(second) : Number(first);
  if (major && major < 11)
    throw new InfraError(`Kafka needs Java 11 or newer (17 recommended); found ${stderr.split('\n')[0]}.`);
}

// Downloaded once into the cache; staged and renamed so an interrupted download never looks complete.
async function fetchJars(logger) {
  if (fs.existsSync(path.join(FILES.libs, expectedKafkaJar()))) return;
  await runTool(
    'mvn',
    ['-v'],
    'Maven is needed once to fetch the Kafka jars from Maven Central (e.g. `sudo apt-get install maven`).',
  );
  logger.log('kafka: fetching broker jars from Maven Central (first run only)…');
  const staging = `${FILES.libs}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  await run('mvn', [
    '-B',
    '-q',
    '-f',
    POM,
    DEPENDENCY_PLUGIN,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${staging}`,
  ]);
  fs.rmSync(FILES.libs, { recursive: true, force: true });
  fs.renameSync(staging, FILES.libs);
}

// The pom is the single place that names the Kafka version.
function expectedKafkaJar() {
  const pom = fs.readFileSync(POM, 'utf8');
  const match = /<artifactId>(kafka_[\d.]+)<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom);
  if (!match) throw new InfraError(`${POM} does not declare a kafka_<scala> dependency with a version`);
  return `${match[1]}-${match[2]}.jar`;
}

// A fresh log dir on every start keeps the broker stateless: no stale topics, offsets or cluster ids.
function writeBrokerConfig(host, port) {
  fs.rmSync(FILES.data, { recursive: true, force: true });
  fs.rmSync(FILES.brokerLog, { force: true });
  fs.rmSync(FILES.consoleLog, { force: true });
  fs.writeFileSync(FILES.serverProperties, serverProperties(host, port));
  fs.writeFileSync(FILES.log4jProperties, log4jProperties());
}

function serverProperties(host, port) {
  const controller = `${host}:${port + 1}`;
  return propertiesText({
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${controller}`,
    listeners: `PLAINTEXT://${host}:${port},CONTROLLER://${controller}`,
    'advertised.listeners': `PLAINTEXT://${host}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    // Single node: without these the internal topics cannot be created and consumer groups
    // fail with "group coordinator is not available"; one partition keeps the first join fast.
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'log.cleaner.dedupe.buffer.size': 16777216,
    'log.dirs': FILES.data,
  });
}

function log4jProperties() {
  return propertiesText({
    'log4j.rootLogger': 'WARN, file',
    'log4j.appender.file': 'org.apache.log4j.FileAppender',
    'log4j.appender.file.File': FILES.brokerLog,
    'log4j.appender.file.layout': 'org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern': '[%d] %p %m (%c)%n',
    // The start/stop milestones ("Kafka Server started"), logged at INFO by these classes.
    'log4j.logger.kafka.server.KafkaServer': 'INFO',
    'log4j.logger.kafka.server.BrokerServer': 'INFO',
    'log4j.logger.kafka.server.KafkaRaftServer': 'INFO',
  });
}

// Java properties treat backslashes as escapes, so paths are written with forward slashes.
function propertiesText(entries) {
  const lines = Object.entries(entries).map(
    ([key, value]) => `${key}=${String(value).replaceAll('\\', '/')}`,
  );
  return `# Written by tools/infra/infra.mjs on every broker start; edits are overwritten.\n${lines.join('\n')}\n`;
}

async function formatStorage() {
  await run(JAVA, [
    ...TOOL_JVM_FLAGS,
    `-Dlog4j.configuration=${pathToFileURL(FILES.log4jProperties).href}`,
    '-cp',
    path.join(FILES.libs, '*'),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    KAFKA_CLUSTER_ID,
    '-c',
    FILES.serverProperties,
  ]);
}

// Detached into its own session so it outlives `up` (and the jest process that may have called it).
function launchBroker() {
  const out = fs.openSync(FILES.consoleLog, 'a');
  try {
    const child = spawn(
      JAVA,
      [
        ...BROKER_JVM_FLAGS,
        `-Dlog4j.configuration=${pathToFileURL(FILES.log4jProperties).href}`,
        '-cp',
        path.join(FILES.libs, '*'),
        'kafka.Kafka',
        FILES.serverProperties,
      ],
      { cwd: CACHE_DIR, detached: true, stdio: ['ignore', out, out] },
    );
    child.on('error', () => {}); // spawn failures show up as an exit while waiting for readiness
    child.unref();
    return child;
  } finally {
    fs.closeSync(out);
  }
}

async function waitForKafka(brokers, { pid, child }) {
  let exitCode = null;
  child?.once('exit', (code, signal) => {
    exitCode = code ?? signal;
  });
  const deadline = Date.now() + KAFKA_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await kafkaAnswers(brokers)) return;
    if (exitCode !== null || !isOurBroker(pid)) {
      fs.rmSync(FILES.pid, { force: true });
      throw new InfraError(
        `Kafka broker (pid ${pid}) exited${exitCode !== null ? ` with ${exitCode}` : ''} before it was ready.\n${brokerLogTail()}`,
      );
    }
    await sleep(500);
  }
  // Half-started brokers are of no use and would hold the ports for the next attempt.
  await stopProcess(pid);
  fs.rmSync(FILES.pid, { force: true });
  throw new InfraError(
    `Kafka broker (pid ${pid}) did not answer within ${KAFKA_READY_TIMEOUT_MS / 1000} s; stopped it.\n${brokerLogTail()}`,
  );
}

async function kafkaAnswers(brokers) {
  const admin = new Kafka({
    clientId: 'rentguy-infra-probe',
    brokers,
    logLevel: logLevel.NOTHING, // failures are expected while polling
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

// Created explicitly, and waited for, because the first produce to an auto-created topic meets
// LEADER_NOT_AVAILABLE retries. Only missing topics are requested: kafkajs skips waiting for
// leaders when any requested topic already exists.
async function ensureTopics(admin) {
  const existing = new Set(await admin.listTopics());
  const missing = topicSpecs().filter(({ topic }) => !existing.has(topic));
  if (missing.length) await admin.createTopics({ topics: missing, waitForLeaders: true });
}

// The broker creates __consumer_offsets on the first coordinator lookup; doing that here keeps the
// first consumer-group join of every test run fast and free of "group coordinator is not available".
async function warmGroupCoordinator(admin) {
  await admin.describeGroups(['rentguy-infra-warmup']);
}

async function prepareBroker(brokers) {
  // Silent: kafkajs logs retried (and then successful) requests as errors; real failures still throw.
  const admin = new Kafka({ clientId: 'rentguy-infra', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await ensureTopics(admin);
    await warmGroupCoordinator(admin);
  } catch (err) {
    throw new InfraError(
      `Kafka at ${brokers.join(',')} answers, but preparing topics failed: ${err.message}`,
    );
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function brokerLogTail(lines = 40) {
  return (
    [FILES.brokerLog, FILES.consoleLog]
      .filter((file) => fs.existsSync(file) && fs.statSync(file).size > 0)
      .map(
        (file) =>
          `--- last lines of ${file}\n${fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`,
      )
      .join('\n') || '(the broker wrote no log)'
  );
}

// ---------------------------------------------------------------------------------------------
// Processes, files and small helpers

function readPid() {
  try {
    const pid = Number.parseInt(fs.readFileSync(FILES.pid, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

// Guards against a recycled pid: on Linux the process must be a broker run from this repo's cache.
function isOurBroker(pid) {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(FILES.serverProperties);
  } catch (err) {
    return err.code !== 'ENOENT' || !fs.existsSync('/proc/self'); // no procfs (macOS): trust the pid
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM (Kafka shuts down in a controlled way), SIGKILL after the timeout. Returns true if killed. */
async function stopProcess(pid) {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, KAFKA_STOP_TIMEOUT_MS)) return false;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5000);
  return true;
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurBroker(pid)) return true; // a zombie awaiting its reaper no longer counts
    await sleep(200);
  }
  return false;
}

// An exclusive-create lock file; a lock left by a dead process is taken over.
async function withFileLock(file, fn) {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (!isAlive(owner)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new InfraError(`Timed out waiting for another infra run (pid ${owner}) holding ${file}`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function portOpen(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

async function run(command, args) {
  try {
    return await promisify(execFile)(command, args, { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trimEnd().split('\n').slice(-30).join('\n');
    throw new InfraError(`\`${command} ${args.join(' ')}\` failed (${err.code ?? err.signal}):\n${output}`);
  }
}

// Like run(), but a missing executable becomes the given installation hint.
async function runTool(command, args, installHint) {
  try {
    return await promisify(execFile)(command, args, { cwd: REPO_ROOT });
  } catch (err) {
    throw new InfraError(
      err.code === 'ENOENT'
        ? `\`${command}\` not found. ${installHint}`
        : `\`${command} ${args.join(' ')}\` failed: ${err.message}`,
    );
  }
}

function isUnreachable(err) {
  return (
    ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'].includes(err.code) ||
    /timeout/i.test(err.message)
  );
}

// Node reports a refused connection to several addresses as an AggregateError with no message.
function describe(err) {
  return err.message || err.code || err.errors?.map((e) => e.message).join('; ') || String(err);
}

function redact(url) {
  const copy = new URL(url);
  if (copy.password) copy.password = '***';
  return copy.href;
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main([command, ...rest]) {
  const commands = { up, down, status };
  if (!commands[command] || rest.length) {
    console.error('usage: node tools/infra/infra.mjs <up|down|status>');
    return 2;
  }
  try {
    const result = await commands[command]();
    return result?.allUp === false ? 1 : 0;
  } catch (err) {
    console.error(err instanceof InfraError ? `infra ${command} failed: ${err.message}` : err);
    return 1;
  }
}

function isMainModule() {
  if (!process.argv[1]) return false;
  try {
    return pathToFileURL(fs.realpathSync(process.argv[1])).href === import.meta.url;
  } catch {
    return false;
  }
}

// kafkajs 2.2.4 hands setTimeout a negative delay (tulios/kafkajs#1751); Node 24 then warns on every
// connection although the clamped 1 ms delay is what kafkajs means. Only the CLI hides that one
// warning: a process that imports this module keeps its own warning handling.
function hideKafkajsTimeoutWarning() {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') for (const print of printers) print(warning);
  });
}

if (isMainModule()) {
  hideKafkajsTimeoutWarning();
  process.exitCode = await main(process.argv.slice(2));
}
