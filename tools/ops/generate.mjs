// Writes the deployment facts that come from the code, so that the chart and the cluster manifests
// never keep a second copy of them:
//   helm/rentguy/files/platform.yaml   ports (servicePorts), each app's config keys (its composed
//                                      schema), consumer groups and their topics, worker queues
//                                      and the queues' Redis key prefix
//   k8s/base/kafka/topics.yaml         a Strimzi KafkaTopic for every topic and every DLQ topic
//   helm/rentguy/values.schema.json    the `env`/`secretEnv`/`config` key lists (its enums): each
//                                      app's config keys the chart does not set itself
// The config keys are read from the apps' build: run `npm run build` first.
//   node tools/ops/generate.mjs           rewrite both files
//   node tools/ops/generate.mjs --check   fail if either differs from what the code says
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

// The contracts and the ports table depend on zod only: Node runs their TypeScript as is.
const { Topics, consumerGroups, dlqTopic, topicsOfGroup } = await import(
  join(root, 'libs/contracts/src/events.ts')
);
const { queueCatalog } = await import(join(root, 'libs/contracts/src/jobs.ts'));
const { servicePorts } = await import(join(root, 'libs/platform/config/src/service-ports.ts'));

/** Which app works which queue, so that it can scale on the queue's depth (its queue module's `workers`). */
const SCALED_WORKER_QUEUES = {
  notifications: 'email',
  'image-worker': 'images',
  'screening-worker': 'screening',
};
/** Partitions of every topic: the ceiling of any consumer group's replicas (tools/infra/topics.mjs). */
const { TOPIC_PARTITIONS } = await import(join(root, 'tools/infra/topics.mjs'));

function configKeys(app) {
  const file = join(root, 'dist/apps', app, 'src/config.js');
  if (!existsSync(file)) {
    throw new Error(`${relative(root, file)} is missing: run \`npm run build\` first`);
  }
  return Object.keys(require(file).appConfig.schema.shape).sort();
}

function platformFacts() {
  const apps = {};
  for (const [app, ports] of Object.entries(servicePorts)) {
    const group = Object.hasOwn(consumerGroups, app) ? app : undefined;
    apps[app] = {
      ports,
      configKeys: configKeys(app),
      // The apps with a schema of their own have a migrate entry (the workers use rentals' data).
      migrates: existsSync(join(root, 'apps', app, 'src/migrate.ts')),
      ...(group ? { consumerGroup: { name: group, topics: topicsOfGroup(group) } } : {}),
      ...(SCALED_WORKER_QUEUES[app] ? { workerQueue: SCALED_WORKER_QUEUES[app] } : {}),
    };
  }
  for (const queue of Object.values(SCALED_WORKER_QUEUES)) {
    if (!Object.hasOwn(queueCatalog, queue)) {
      throw new Error(`queue "${queue}" is not in libs/contracts queueCatalog`);
    }
  }
  // The Redis key prefix of every BullMQ queue (KEDA counts <prefix>:<queue>:wait).
  const { DEFAULT_QUEUE_PREFIX } = require(join(root, 'dist/libs/platform/queue/src/queue.options.js'));
  return { queuePrefix: DEFAULT_QUEUE_PREFIX, apps };
}

/**
 * KafkaTopic resources. DLQ topics are named after the full group id (`KAFKA_GROUP_PREFIX` + group);
 * these are for the default, empty prefix.
 */
function kafkaTopics() {
  const topics = Object.values(Topics).map((name) => ({ name, dlq: false }));
  for (const group of Object.keys(consumerGroups)) {
    for (const topic of topicsOfGroup(group)) {
      topics.push({ name: dlqTopic(topic, group), dlq: true });
    }
  }
  return topics.map(({ name, dlq }) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: {
      // Resource names are DNS labels; Strimzi uses spec.topicName for the real one.
      name: name.replaceAll('.', '-'),
      labels: { 'strimzi.io/cluster': 'rentguy' },
    },
    spec: {
      topicName: name,
      partitions: dlq ? 1 : TOPIC_PARTITIONS,
      replicas: 3,
      config: {
        'min.insync.replicas': 2,
        // A DLQ is kept until someone redrives it; event topics keep a week for replays.
        'retention.ms': dlq ? 2_592_000_000 : 604_800_000,
      },
    },
  }));
}

/** The keys the chart's templates set themselves (`rentguy.managedKeys` in _helpers.tpl). */
function managedKeys() {
  const helpers = readFileSync(join(root, 'helm/rentguy/templates/_helpers.tpl'), 'utf8');
  const list = /define "rentguy.managedKeys".*?\n\{\{- list (.*?) \| toJson/s.exec(helpers)?.[1];
  if (!list) {
    throw new Error('rentguy.managedKeys not found in helm/rentguy/templates/_helpers.tpl');
  }
  return JSON.parse(`[${list.split(' ').join(',')}]`);
}

/** values.schema.json with every key list set from the apps' config, formatted as Prettier does. */
async function valuesSchema(facts) {
  const path = join(root, 'helm/rentguy/values.schema.json');
  const schema = JSON.parse(readFileSync(path, 'utf8'));
  const managed = managedKeys();
  const all = new Set();
  for (const [app, { configKeys: keys }] of Object.entries(facts.apps)) {
    const settable = keys.filter((key) => !managed.includes(key));
    settable.forEach((key) => all.add(key));
    for (const field of ['env', 'secretEnv']) {
      schema.properties.apps.properties[app].properties[field].propertyNames.enum = settable;
    }
  }
  for (const field of ['config', 'secretEnv']) {
    schema.properties[field].propertyNames.enum = [...all].sort();
  }
  return format(JSON.stringify(schema, null, 2), { ...(await resolveConfig(path)), filepath: path });
}

const header = (what) =>
  `# Generated by tools/ops/generate.mjs from ${what}: do not edit, run the generator.\n`;

const facts = platformFacts();
const outputs = [
  [
    'helm/rentguy/files/platform.yaml',
    header("libs/contracts, servicePorts and the apps' config") + stringify(facts),
  ],
  ['helm/rentguy/values.schema.json', await valuesSchema(facts)],
  [
    'k8s/base/kafka/topics.yaml',
    header('libs/contracts') +
      kafkaTopics()
        .map((doc) => stringify(doc))
        .join('---\n'),
  ],
];

const check = process.argv.includes('--check');
let stale = 0;
for (const [path, content] of outputs) {
  const file = join(root, path);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (current === content) {
    continue;
  }
  if (check) {
    process.stderr.write(`${path} is out of date: run node tools/ops/generate.mjs\n`);
    stale += 1;
  } else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    process.stdout.write(`wrote ${path}\n`);
  }
}
process.exit(stale > 0 ? 1 : 0);
