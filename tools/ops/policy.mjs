// The deployment policy every rendered manifest must meet (issue 10): pods pass Pod Security
// Standards "restricted", every container has resources, every long-running container has probes
// on the health endpoints, a drain that outlasts the readiness probe's detection, every Deployment
// a PodDisruptionBudget and a grace period that covers its drain. `checkPolicy`
// returns one line per violation; tools/ops/check.mjs runs it on `helm template` output.

/** Volume types the "restricted" profile allows. */
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);
/** The apps' health endpoints on their ops port (libs/platform/health). */
const PROBE_PATHS = {
  startupProbe: '/health/live',
  livenessProbe: '/health/live',
  readinessProbe: '/health/ready',
};

/** The pod template of a workload, or undefined for a kind that runs no pods. */
function podOf(doc) {
  switch (doc.kind) {
    case 'Pod':
      return { metadata: doc.metadata, spec: doc.spec };
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return doc.spec?.template;
    case 'CronJob':
      return doc.spec?.jobTemplate?.spec?.template;
    default:
      return undefined;
  }
}

const matches = (selector, labels) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v) &&
  (selector?.matchExpressions ?? []).length === 0 &&
  Object.keys(selector?.matchLabels ?? {}).length > 0;

const envValue = (container, name) => container.env?.find((e) => e.name === name)?.value;

function checkPod(where, pod, { longRunning }) {
  const problems = [];
  const spec = pod?.spec;
  if (!spec) {
    return [`${where}: no pod spec`];
  }
  const psc = spec.securityContext ?? {};
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[flag]) {
      problems.push(`${where}: ${flag} is set`);
    }
  }
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (!RESTRICTED_VOLUMES.has(type)) {
      problems.push(`${where}: volume ${volume.name} of type ${type} is not allowed`);
    }
  }
  const containers = [
    ...(spec.initContainers ?? []).map((c) => ({ c, init: true })),
    ...(spec.containers ?? []).map((c) => ({ c, init: false })),
  ];
  if (containers.length === 0) {
    problems.push(`${where}: no containers`);
  }
  for (const { c, init } of containers) {
    const at = `${where} container ${c.name}`;
    const sc = c.securityContext ?? {};
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) {
      problems.push(`${at}: runAsNonRoot is not true`);
    }
    const uid = sc.runAsUser ?? psc.runAsUser;
    if (!(Number.isInteger(uid) && uid > 10000)) {
      problems.push(`${at}: runAsUser must be a UID above 10000 (is ${uid ?? 'unset'})`);
    }
    if (!SECCOMP_OK.has(sc.seccompProfile?.type ?? psc.seccompProfile?.type)) {
      problems.push(`${at}: seccompProfile must be RuntimeDefault or Localhost`);
    }
    if (sc.privileged) {
      problems.push(`${at}: privileged`);
    }
    if (sc.allowPrivilegeEscalation !== false) {
      problems.push(`${at}: allowPrivilegeEscalation is not false`);
    }
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) {
      problems.push(`${at}: capabilities do not drop ALL`);
    }
    const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) {
      problems.push(`${at}: adds capabilities ${added.join(', ')}`);
    }
    if (sc.readOnlyRootFilesystem !== true) {
      problems.push(`${at}: readOnlyRootFilesystem is not true`);
    }
    const image = c.image ?? '';
    const tag = image.includes('@') ? 'digest' : image.split('/').pop().split(':')[1];
    if (!tag || tag === 'latest') {
      problems.push(`${at}: image ${image} has no pinned tag`);
    }
    const { requests = {}, limits = {} } = c.resources ?? {};
    if (requests.cpu === undefined || requests.memory === undefined) {
      problems.push(`${at}: resources.requests needs cpu and memory`);
    }
    if (limits.memory === undefined) {
      problems.push(`${at}: resources.limits needs memory`);
    }
    if (longRunning && !init) {
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        if (!c[probe]) {
          problems.push(`${at}: no ${probe}`);
        }
      }
      for (const [probe, path] of Object.entries(PROBE_PATHS)) {
        const get = c[probe]?.httpGet;
        if (c[probe] && (get?.path !== path || get?.port !== 'ops')) {
          problems.push(`${at}: ${probe} must GET ${path} on the ops port`);
        }
      }
      problems.push(...checkDrain(at, spec, c));
    }
  }
  return problems;
}

/** The grace period must cover preStop, the drain delay (readiness at 503) and the app's own grace. */
function checkDrain(at, spec, c) {
  const preStop = c.lifecycle?.preStop?.sleep?.seconds;
  if (preStop === undefined) {
    return [`${at}: no preStop sleep (endpoints would still route to a stopping pod)`];
  }
  const drainMs = Number(envValue(c, 'SHUTDOWN_DRAIN_DELAY_MS') ?? 2000);
  const graceMs = Number(envValue(c, 'SHUTDOWN_GRACE_MS') ?? 25000);
  const needed = preStop + Math.ceil((drainMs + graceMs) / 1000);
  const period = spec.terminationGracePeriodSeconds ?? 30;
  const problems =
    period < needed
      ? [`${at}: terminationGracePeriodSeconds ${period} < ${needed} (preStop + drain + shutdown grace)`]
      : [];
  // Readiness at 503 must last until the kubelet has seen it fail (Kubernetes' probe defaults).
  const readiness = c.readinessProbe;
  const seenMs = (readiness?.periodSeconds ?? 10) * (readiness?.failureThreshold ?? 3) * 1000;
  if (readiness && drainMs < seenMs) {
    problems.push(
      `${at}: SHUTDOWN_DRAIN_DELAY_MS ${drainMs} < ${seenMs} (readiness periodSeconds × failureThreshold)`,
    );
  }
  return problems;
}

const describe = (doc) => `${doc.kind}/${doc.metadata?.name ?? '?'}`;
const isHelmHook = (doc) => Boolean(doc.metadata?.annotations?.['helm.sh/hook']);

/**
 * Pod security, resources and pinned images only, for workloads the chart does not make (the
 * Redis of k8s/): the namespace enforces "restricted" on them too.
 */
export function checkPodSecurity(docs) {
  return docs.flatMap((doc) => {
    const pod = podOf(doc);
    return pod ? checkPod(describe(doc), pod, { longRunning: false }) : [];
  });
}

/** Every violation of the policy in a list of parsed manifests. */
export function checkPolicy(docs) {
  const problems = [];
  const pdbs = docs.filter((d) => d.kind === 'PodDisruptionBudget');
  for (const doc of docs) {
    const pod = podOf(doc);
    if (!pod) {
      continue;
    }
    // Jobs and hook pods (migrations, `helm test`) run to completion: no probes, no PDB.
    const longRunning = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(doc.kind);
    problems.push(...checkPod(describe(doc), pod, { longRunning: longRunning && !isHelmHook(doc) }));
    if (longRunning && !pdbs.some((pdb) => matches(pdb.spec?.selector, pod.metadata?.labels))) {
      problems.push(`${describe(doc)}: no PodDisruptionBudget selects its pods`);
    }
  }
  return problems;
}
