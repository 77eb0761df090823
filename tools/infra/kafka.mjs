// Kafka for `up`/`status`/`down`/`reset`: reuse a broker if one answers, else start infra's own
// (kafka-broker.mjs); then create the platform's topics and warm the group coordinator.
import fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { InfraError } from './config.mjs';
import {
  isOurBroker,
  jarsCached,
  kafkaAnswers,
  readPid,
  startBroker,
  stopBroker,
  storageState,
  wipeStorage,
} from './kafka-broker.mjs';
import { withFileLock } from './lock.mjs';
import { topicSpecs } from './topics.mjs';

export async function ensureKafka(config) {
  const { kafkaBrokers, files } = config;
  fs.mkdirSync(files.cacheDir, { recursive: true });
  // Parallel `up` runs (e.g. several jest projects) must not format and start two brokers.
  return withFileLock(files.lock, async () => {
    const address = kafkaBrokers.join(',');
    let broker;
    let state;
    if (await kafkaAnswers(kafkaBrokers)) {
      const pid = readPid(files);
      broker = { pid: pid && isOurBroker(files, pid) ? pid : null, started: false, formatted: false };
      state = broker.pid ? `already running, pid ${broker.pid}` : 'already running';
    } else {
      broker = await startBroker(config);
      const data = broker.formatted ? 'new log dir' : 'existing log dir';
      state = broker.started ? `started, pid ${broker.pid}, ${data}` : `was starting, pid ${broker.pid}`;
    }
    await prepareBroker(kafkaBrokers);
    return { brokers: kafkaBrokers, ...broker, summary: `kafka ready at ${address} (${state})` };
  });
}

export async function kafkaStatus({ kafkaBrokers, files }) {
  const address = kafkaBrokers.join(',');
  const pid = readPid(files);
  const ours = pid && isOurBroker(files, pid);
  if (await kafkaAnswers(kafkaBrokers)) {
    return {
      up: true,
      line: `kafka up at ${address} (${ours ? `started by infra, pid ${pid}` : 'not started by infra'})`,
    };
  }
  if (ours) {
    return {
      up: false,
      line: `kafka DOWN at ${address} (infra's broker, pid ${pid}, is running but not answering here; see ${files.brokerLog})`,
    };
  }
  const jars = jarsCached(files) ? 'jars cached' : 'jars not fetched yet';
  const storage = storageState(files);
  const data = !storage.formatted
    ? 'no data dir yet'
    : storage.ours
      ? `data kept in ${files.data}`
      : `data dir of another cluster in ${files.data}, run reset`;
  return { up: false, line: `kafka DOWN at ${address} (${jars}, ${data})` };
}

export async function downKafka({ files, logger }) {
  const result = await stopBroker(files);
  logger.log(stopLine(result));
  return result;
}

/** Stops infra's broker and removes its data dir, under the cache dir's lock. */
export async function resetKafka({ files, logger }) {
  fs.mkdirSync(files.cacheDir, { recursive: true });
  return withFileLock(files.lock, async () => {
    const result = await stopBroker(files);
    logger.log(stopLine(result));
    const wiped = wipeStorage(files);
    logger.log(
      wiped
        ? `kafka: removed ${files.data}; the next up formats a new log dir`
        : `kafka: no data dir at ${files.data}; nothing to remove`,
    );
    return { ...result, wiped };
  });
}

function stopLine({ stopped, pid, forced, stale }) {
  if (stopped) {
    return `kafka stopped (pid ${pid}${forced ? ', killed after timeout' : ''})`;
  }
  return stale
    ? `kafka: nothing to stop (stale pid file for pid ${pid} removed)`
    : 'kafka: nothing to stop (not started by infra)';
}

// Created explicitly, and waited for, because the first produce to an auto-created topic meets
// LEADER_NOT_AVAILABLE retries. Only missing topics are requested: kafkajs skips waiting for
// leaders when any requested topic already exists.
async function ensureTopics(admin) {
  const existing = new Set(await admin.listTopics());
  const missing = topicSpecs().filter(({ topic }) => !existing.has(topic));
  if (missing.length) {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  }
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
