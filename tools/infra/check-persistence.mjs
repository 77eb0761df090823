#!/usr/bin/env node
// Checks that infra's Kafka broker keeps acknowledged events and committed offsets across a clean
// restart (`down` then `up`) and across a SIGKILL (then `up`). Starts its own broker through the CLI,
// on KAFKA_BROKERS (default 127.0.0.1:19092, controller on port + 1, so it never meets the broker of
// a test run on 9092) with its own cache dir, and stops it again. Exits 1 on any loss.
//
//   node tools/infra/check-persistence.mjs
//
// INFRA_CACHE_DIR: the cache dir to use (kept afterwards); by default a temporary one, removed at the
// end, whose jars are linked from the checkout's .cache/kafka/libs when those are fetched already.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_CACHE_DIR, kafkaFiles } from './config.mjs';
import { jarsCached, kafkaAnswers } from './kafka-broker.mjs';
import { commandLine, isAlive } from './processes.mjs';

const INFRA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'infra.mjs');
const BROKERS = (process.env.KAFKA_BROKERS || '127.0.0.1:19092').split(',').map((b) => b.trim());
const TOPIC = 'infra-persistence-check';
const GROUP = 'infra-persistence-check-group';
const MESSAGES = 20;
const COMMITTED = 12; // the group's committed offset, as if a consumer had handled the first 12

// kafkajs 2.2.4 makes Node 24 warn on every connection (TimeoutNegativeWarning, see infra.mjs).
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') {
    console.warn(warning);
  }
});

const ownCacheDir = !process.env.INFRA_CACHE_DIR;
const cacheDir = ownCacheDir
  ? fs.mkdtempSync(path.join(os.tmpdir(), 'rentguy-infra-check-'))
  : path.resolve(process.env.INFRA_CACHE_DIR);
const files = kafkaFiles(cacheDir);
const env = { ...process.env, KAFKA_BROKERS: BROKERS.join(','), INFRA_CACHE_DIR: cacheDir };
const kafka = new Kafka({
  clientId: 'infra-persistence-check',
  brokers: BROKERS,
  logLevel: logLevel.NOTHING,
});
const failures = [];
let started = false;

function log(line) {
  console.log(`[check] ${line}`);
}

async function infra(command) {
  const begin = Date.now();
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [INFRA, command], { env });
  const seconds = ((Date.now() - begin) / 1000).toFixed(1);
  const kafkaLines = `${stdout}${stderr}`
    .split('\n')
    .filter((line) => /kafka/.test(line))
    .join(' | ');
  log(`infra ${command} (${seconds} s): ${kafkaLines}`);
}

async function produce(runId) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: expectedValues(runId).map((value, i) => ({ key: `k${i}`, value })),
    });
  } finally {
    await producer.disconnect();
  }
  // As if a consumer of GROUP had handled the first COMMITTED messages (the group is inactive).
  const admin2 = kafka.admin();
  await admin2.connect();
  try {
    await admin2.setOffsets({
      groupId: GROUP,
      topic: TOPIC,
      partitions: [{ partition: 0, offset: String(COMMITTED) }],
    });
  } finally {
    await admin2.disconnect();
  }
  log(`produced ${MESSAGES} messages to ${TOPIC} (acks=all), committed offset ${COMMITTED} for ${GROUP}`);
  return expectedValues(runId);
}

function expectedValues(runId) {
  return Array.from({ length: MESSAGES }, (_, i) => `${runId}:${i}`);
}

// Reads the topic from the beginning with a new group, and the committed offset of GROUP.
async function readBack(expected, label) {
  const probe = kafka.admin();
  await probe.connect();
  const topics = await probe.listTopics().finally(() => probe.disconnect());
  if (!topics.includes(TOPIC)) {
    log(`${label}: topic ${TOPIC} is gone (and its ${expected.length} messages with it) -> LOSS`);
    failures.push(label);
    return;
  }
  const consumer = kafka.consumer({
    groupId: `infra-persistence-reader-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  const seen = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value.toString());
      },
    });
    const deadline = Date.now() + 30_000;
    while (seen.length < expected.length && Date.now() < deadline) {
      await sleep(200);
    }
    await sleep(500); // anything beyond the expected messages would be a duplicate
  } finally {
    await consumer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  let committed;
  try {
    const [topicOffsets] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    committed = topicOffsets?.partitions.find((p) => p.partition === 0)?.offset;
  } finally {
    await admin.disconnect();
  }
  const missing = expected.filter((value) => !seen.includes(value));
  const ok = missing.length === 0 && seen.length === expected.length && committed === String(COMMITTED);
  log(
    `${label}: read ${seen.length}/${expected.length} messages back, ${missing.length} missing; ` +
      `committed offset of ${GROUP} is ${committed} (expected ${COMMITTED}) -> ${ok ? 'OK' : 'LOSS'}`,
  );
  if (!ok) {
    failures.push(label);
  }
}

// SIGKILL, but only the broker this check started: the pid from its own cache dir, checked against
// the process's command line.
async function killBroker() {
  const pid = Number.parseInt(fs.readFileSync(files.pid, 'utf8'), 10);
  const cmdline = commandLine(pid);
  if (!cmdline?.includes('kafka.Kafka') || !cmdline.includes(files.serverProperties)) {
    throw new Error(`pid ${pid} from ${files.pid} is not this check's broker; not killing it`);
  }
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (isAlive(pid) && commandLine(pid) !== '' && Date.now() < deadline) {
    await sleep(100);
  }
  log(`SIGKILLed the broker (pid ${pid})`);
}

function seedJars() {
  const shared = kafkaFiles(DEFAULT_CACHE_DIR);
  if (ownCacheDir && jarsCached(shared)) {
    fs.symlinkSync(shared.libs, files.libs, 'dir');
    log(`jars linked from ${shared.libs}`);
  } else if (!jarsCached(files)) {
    log('jars not cached: the first up fetches them');
  }
}

async function main() {
  if (await kafkaAnswers(BROKERS)) {
    console.error(
      `[check] a broker already answers on ${BROKERS.join(',')}; this check needs its own. ` +
        'Set KAFKA_BROKERS to a free 127.0.0.1:<port> (port + 1 must be free too).',
    );
    return 2;
  }
  log(`broker ${BROKERS.join(',')}, cache dir ${cacheDir}`);
  seedJars();
  try {
    started = true;
    await infra('up');
    const expected = await produce(`run-${Date.now()}`);
    await readBack(expected, 'before any restart');

    await infra('down');
    await infra('up');
    await readBack(expected, 'after down + up');

    await killBroker();
    await infra('up');
    await readBack(expected, 'after SIGKILL + up');
  } finally {
    if (started) {
      await infra('down').catch((err) => log(`down failed: ${err.message}`));
    }
    if (ownCacheDir) {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  log(failures.length ? `FAILED: data lost (${failures.join('; ')})` : 'PASSED: no data lost');
  return failures.length ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(`[check] error: ${err.stack ?? err}`);
  process.exitCode = 1;
}
