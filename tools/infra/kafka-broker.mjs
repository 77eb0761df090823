// The local single-node Kafka (KRaft) broker run from Maven Central jars: fetching the jars, writing
// its config, formatting its log dir (once), launching it detached, waiting for it, stopping it and
// wiping its data. Everything lives in one cache dir (`files`, see config.mjs#kafkaFiles).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { InfraError, POM } from './config.mjs';
import { commandLine, findProcesses, isAlive, portOpen, run, runTool, stopProcess } from './processes.mjs';

// Fixed, so that the data dir of every start belongs to the same cluster (16 bytes, base64url).
export const KAFKA_CLUSTER_ID = Buffer.from('rentguy-local-kf').toString('base64url');
const NODE_ID = '1';
// Sized for a 2-core developer/CI machine: a local test broker, not a production one.
const BROKER_JVM_FLAGS = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
const TOOL_JVM_FLAGS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies';
const KAFKA_READY_TIMEOUT_MS = 90_000;
const KAFKA_STOP_TIMEOUT_MS = 20_000;
const RESET_HINT = 'Run `npm run infra:reset` to wipe it (this loses the events and offsets it holds).';

// ---------------------------------------------------------------------------------------------
// Starting

/**
 * Starts the broker of `files` on the single 127.0.0.1 address of `brokers`, or waits for the one an
 * interrupted `up` left starting. The caller holds the cache dir's lock.
 */
export async function startBroker({ kafkaBrokers: brokers, files, java, logger }) {
  const { host, port } = localBrokerAddress(brokers);
  const existing = readPid(files);
  if (existing && isOurBroker(files, existing)) {
    const running = runningBrokerAddress(files);
    if (running !== `${host}:${port}`) {
      throw new InfraError(
        `infra's broker (pid ${existing}) listens on ${running}, not ${host}:${port}: run \`down\` first or set KAFKA_BROKERS=${running}.`,
      );
    }
    // Ours, alive but not answering: an earlier `up` was interrupted while the broker was starting.
    await waitForKafka(brokers, files, { pid: existing });
    return { pid: existing, started: false, formatted: false };
  }
  await assertPortsFree(host, [port, port + 1]);
  await checkJava(java);
  await fetchJars(files, logger);
  writeBrokerConfig(files, host, port);
  const formatted = await ensureStorage(files, java, logger);
  logger.log(`kafka: starting a local broker on ${host}:${port}…`);
  const child = launchBroker(files, java);
  fs.writeFileSync(files.pid, `${child.pid}\n`);
  await waitForKafka(brokers, files, { pid: child.pid, child });
  return { pid: child.pid, started: true, formatted };
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

function runningBrokerAddress(files) {
  const properties = fs.readFileSync(files.serverProperties, 'utf8');
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

async function checkJava(java) {
  const { stderr } = await runTool(
    java,
    ['-version'],
    'Java 17 is needed to run the local Kafka broker (e.g. `sudo apt-get install openjdk-17-jre-headless`), or point KAFKA_BROKERS at a running broker.',
  );
  const [, first, second] = /version "(\d+)(?:\.(\d+))?/.exec(stderr) ?? [];
  const major = Number(first) === 1 ? Number(second) : Number(first);
  if (major && major < 11) {
    throw new InfraError(`Kafka needs Java 11 or newer (17 recommended); found ${stderr.split('\n')[0]}.`);
  }
}

/** Whether the jars `kafka/pom.xml` names are in the cache. */
export function jarsCached(files) {
  return fs.existsSync(path.join(files.libs, expectedKafkaJar()));
}

// Downloaded once into the cache; staged and renamed so an interrupted download never looks complete.
async function fetchJars(files, logger) {
  if (jarsCached(files)) {
    return;
  }
  await runTool(
    'mvn',
    ['-v'],
    'Maven is needed once to fetch the Kafka jars from Maven Central (e.g. `sudo apt-get install maven`).',
  );
  logger.log('kafka: fetching broker jars from Maven Central (first run only)…');
  const staging = `${files.libs}.partial`;
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
  fs.rmSync(files.libs, { recursive: true, force: true });
  fs.renameSync(staging, files.libs);
}

// The pom is the single place that names the Kafka version.
function expectedKafkaJar() {
  const pom = fs.readFileSync(POM, 'utf8');
  const match = /<artifactId>(kafka_[\d.]+)<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom);
  if (!match) {
    throw new InfraError(`${POM} does not declare a kafka_<scala> dependency with a version`);
  }
  return `${match[1]}-${match[2]}.jar`;
}

// The config is rewritten on every start (the port may change); the data dir is left alone. The
// previous start's logs are kept as `*.1`, e.g. to see why a killed broker stopped.
function writeBrokerConfig(files, host, port) {
  for (const log of [files.brokerLog, files.consoleLog]) {
    if (fs.existsSync(log)) {
      fs.renameSync(log, `${log}.1`);
    }
  }
  fs.writeFileSync(files.serverProperties, serverProperties(files, host, port));
  fs.writeFileSync(files.log4jProperties, log4jProperties(files));
}

function serverProperties(files, host, port) {
  const controller = `${host}:${port + 1}`;
  return propertiesText({
    'process.roles': 'broker,controller',
    'node.id': NODE_ID,
    'controller.quorum.voters': `${NODE_ID}@${controller}`,
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
    'log.dirs': files.data,
  });
}

function log4jProperties(files) {
  return propertiesText({
    'log4j.rootLogger': 'WARN, file',
    'log4j.appender.file': 'org.apache.log4j.FileAppender',
    'log4j.appender.file.File': files.brokerLog,
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
  return `# Written by tools/infra on every broker start; edits are overwritten.\n${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// The log dir: formatted once, kept across restarts (and kills), wiped only by `reset`.

/** What the log dir holds: 'empty' (never formatted), 'ours' or a description of a foreign format. */
export function storageState(files) {
  let text;
  try {
    text = fs.readFileSync(files.metaProperties, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') {
      return { formatted: false };
    }
    throw new InfraError(`Cannot read ${files.metaProperties}: ${err.message}. ${RESET_HINT}`);
  }
  const meta = parseProperties(text);
  const clusterId = meta['cluster.id'];
  const nodeId = meta['node.id'];
  const ours = clusterId === KAFKA_CLUSTER_ID && nodeId === NODE_ID;
  return { formatted: true, ours, clusterId, nodeId };
}

// Returns true if it formatted (a new, empty cluster), false if it kept existing data.
async function ensureStorage(files, java, logger) {
  const state = storageState(files);
  if (state.formatted && state.ours) {
    return false;
  }
  if (state.formatted) {
    throw new InfraError(
      `The Kafka data dir ${files.data} belongs to another cluster (cluster.id ${state.clusterId ?? 'missing'}, ` +
        `node.id ${state.nodeId ?? 'missing'}; infra's broker is cluster.id ${KAFKA_CLUSTER_ID}, node.id ${NODE_ID}), ` +
        `so the broker would refuse to start on it. ${RESET_HINT}`,
    );
  }
  logger.log(`kafka: formatting a new log dir ${files.data} (kept across restarts from now on)…`);
  try {
    await run(java, [
      ...TOOL_JVM_FLAGS,
      `-Dlog4j.configuration=${pathToFileURL(files.log4jProperties).href}`,
      '-cp',
      path.join(files.libs, '*'),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      KAFKA_CLUSTER_ID,
      '-c',
      files.serverProperties,
    ]);
  } catch (err) {
    throw new InfraError(`Formatting the Kafka log dir ${files.data} failed. ${RESET_HINT}\n${err.message}`);
  }
  return true;
}

function parseProperties(text) {
  const entries = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([^#!\s=:][^=:]*?)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (match) {
      entries[match[1]] = match[2];
    }
  }
  return entries;
}

/**
 * Removes the log dir (topics, events, offsets); the next start formats a new one. The caller holds
 * the cache dir's lock and has stopped infra's broker. Refuses while any broker still runs on it.
 */
export function wipeStorage(files) {
  const users = findProcesses(['kafka.Kafka', files.serverProperties]);
  if (users.length) {
    throw new InfraError(
      `A Kafka broker (pid ${users.join(', ')}) still runs on ${files.data} without being recorded in ` +
        `${files.pid}; stop it (\`kill ${users.join(' ')}\`) and run reset again.`,
    );
  }
  const existed = fs.existsSync(files.data);
  fs.rmSync(files.data, { recursive: true, force: true });
  return existed;
}

// ---------------------------------------------------------------------------------------------
// Running and stopping

// Detached into its own session so it outlives `up` (and the jest process that may have called it).
function launchBroker(files, java) {
  const out = fs.openSync(files.consoleLog, 'a');
  try {
    const child = spawn(
      java,
      [
        ...BROKER_JVM_FLAGS,
        `-Dlog4j.configuration=${pathToFileURL(files.log4jProperties).href}`,
        '-cp',
        path.join(files.libs, '*'),
        'kafka.Kafka',
        files.serverProperties,
      ],
      { cwd: files.cacheDir, detached: true, stdio: ['ignore', out, out] },
    );
    child.on('error', () => {}); // spawn failures show up as an exit while waiting for readiness
    child.unref();
    return child;
  } finally {
    fs.closeSync(out);
  }
}

async function waitForKafka(brokers, files, { pid, child }) {
  let exitCode = null;
  child?.once('exit', (code, signal) => {
    exitCode = code ?? signal;
  });
  const deadline = Date.now() + KAFKA_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await kafkaAnswers(brokers)) {
      return;
    }
    if (exitCode !== null || !isOurBroker(files, pid)) {
      fs.rmSync(files.pid, { force: true });
      throw new InfraError(
        `Kafka broker (pid ${pid}) exited${exitCode !== null ? ` with ${exitCode}` : ''} before it was ready.\n${brokerLogTail(files)}`,
      );
    }
    await sleep(500);
  }
  // Half-started brokers are of no use and would hold the ports for the next attempt.
  await stopOurProcess(files, pid);
  fs.rmSync(files.pid, { force: true });
  throw new InfraError(
    `Kafka broker (pid ${pid}) did not answer within ${KAFKA_READY_TIMEOUT_MS / 1000} s; stopped it.\n${brokerLogTail(files)}`,
  );
}

/** Whether a broker answers a metadata request on `brokers` (one quick attempt). */
export async function kafkaAnswers(brokers) {
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

/**
 * Stops the broker recorded in the pid file, if it is still ours. Returns { stopped, pid, forced,
 * stale } (stale: the pid file named a process that is gone or no broker of ours).
 */
export async function stopBroker(files) {
  const pid = readPid(files);
  if (!pid) {
    return { stopped: false };
  }
  if (!isOurBroker(files, pid)) {
    fs.rmSync(files.pid, { force: true });
    return { stopped: false, pid, stale: true };
  }
  const forced = await stopOurProcess(files, pid);
  fs.rmSync(files.pid, { force: true });
  return { stopped: true, pid, forced };
}

function stopOurProcess(files, pid) {
  // A zombie awaiting its reaper no longer counts as running.
  return stopProcess(pid, { isRunning: (p) => isOurBroker(files, p), timeoutMs: KAFKA_STOP_TIMEOUT_MS });
}

export function readPid(files) {
  try {
    const pid = Number.parseInt(fs.readFileSync(files.pid, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

// Guards against a recycled pid: on Linux the process must be a broker run from this cache dir.
export function isOurBroker(files, pid) {
  if (!isAlive(pid)) {
    return false;
  }
  const cmdline = commandLine(pid);
  if (cmdline === null) {
    return true; // no procfs (macOS): trust the pid
  }
  return cmdline.includes('kafka.Kafka') && cmdline.includes(files.serverProperties);
}

export function brokerLogTail(files, lines = 40) {
  return (
    [files.brokerLog, files.consoleLog]
      .filter((file) => fs.existsSync(file) && fs.statSync(file).size > 0)
      .map(
        (file) =>
          `--- last lines of ${file}\n${fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`,
      )
      .join('\n') || '(the broker wrote no log)'
  );
}
