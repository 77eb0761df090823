// The policy check passes a compliant workload and names each kind of violation (node --test).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPodSecurity, checkPolicy } from './policy.mjs';

const labels = { 'app.kubernetes.io/name': 'rentguy', 'app.kubernetes.io/component': 'gateway' };
const probe = { httpGet: { path: '/health/live', port: 'ops' } };

function workload() {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'gateway' },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 45,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumes: [{ name: 'tmp', emptyDir: {} }],
          containers: [
            {
              name: 'gateway',
              image: 'rentguy:0.1.0',
              env: [
                { name: 'SHUTDOWN_DRAIN_DELAY_MS', value: '10000' },
                { name: 'SHUTDOWN_GRACE_MS', value: '25000' },
              ],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              startupProbe: probe,
              livenessProbe: probe,
              readinessProbe: {
                httpGet: { path: '/health/ready', port: 'ops' },
                periodSeconds: 5,
                failureThreshold: 2,
              },
              lifecycle: { preStop: { sleep: { seconds: 5 } } },
            },
          ],
        },
      },
    },
  };
}

const pdb = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'gateway' },
  spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
};

/** The violations of a workload after `change` edits its pod spec and first container. */
function violations(change, docs = [pdb]) {
  const doc = workload();
  const spec = doc.spec.template.spec;
  change(spec, spec.containers[0]);
  return checkPolicy([doc, ...docs]);
}

describe('checkPolicy', () => {
  it('passes a restricted workload with resources, probes and a PDB', () => {
    assert.deepEqual(
      violations(() => {}),
      [],
    );
  });

  const cases = [
    ['runs as root', (s) => (s.securityContext.runAsUser = 0), /runAsUser must be a UID above 10000/],
    ['may run as root', (s) => delete s.securityContext.runAsNonRoot, /runAsNonRoot is not true/],
    ['has no seccomp profile', (s) => delete s.securityContext.seccompProfile, /seccompProfile/],
    [
      'allows escalation',
      (_, c) => delete c.securityContext.allowPrivilegeEscalation,
      /allowPrivilegeEscalation/,
    ],
    ['keeps capabilities', (_, c) => (c.securityContext.capabilities.drop = []), /drop ALL/],
    [
      'adds a capability',
      (_, c) => (c.securityContext.capabilities.add = ['SYS_ADMIN']),
      /adds capabilities SYS_ADMIN/,
    ],
    [
      'writes its root filesystem',
      (_, c) => delete c.securityContext.readOnlyRootFilesystem,
      /readOnlyRootFilesystem/,
    ],
    ['is privileged', (_, c) => (c.securityContext.privileged = true), /privileged/],
    ['uses the host network', (s) => (s.hostNetwork = true), /hostNetwork/],
    [
      'mounts a host path',
      (s) => s.volumes.push({ name: 'h', hostPath: { path: '/' } }),
      /hostPath is not allowed/,
    ],
    ['runs latest', (_, c) => (c.image = 'rentguy:latest'), /no pinned tag/],
    ['runs an untagged image', (_, c) => (c.image = 'rentguy'), /no pinned tag/],
    ['has no requests', (_, c) => delete c.resources.requests, /requests needs cpu and memory/],
    ['has no memory limit', (_, c) => delete c.resources.limits, /limits needs memory/],
    ['has no readiness probe', (_, c) => delete c.readinessProbe, /no readinessProbe/],
    ['has no liveness probe', (_, c) => delete c.livenessProbe, /no livenessProbe/],
    ['has no startup probe', (_, c) => delete c.startupProbe, /no startupProbe/],
    ['has no preStop', (_, c) => delete c.lifecycle, /no preStop sleep/],
    [
      'is ready by its liveness endpoint',
      (_, c) => (c.readinessProbe.httpGet.path = '/health/live'),
      /readinessProbe must GET \/health\/ready on the ops port/,
    ],
    [
      'probes its HTTP port',
      (_, c) => (c.livenessProbe = { httpGet: { path: '/health/live', port: 'http' } }),
      /livenessProbe must GET \/health\/live on the ops port/,
    ],
    [
      'stops serving before the kubelet sees readiness fail',
      (_, c) => (c.readinessProbe.failureThreshold = 3),
      /SHUTDOWN_DRAIN_DELAY_MS 10000 < 15000/,
    ],
    [
      'stops too soon',
      (s) => (s.terminationGracePeriodSeconds = 30),
      /terminationGracePeriodSeconds 30 < 40/,
    ],
  ];
  for (const [name, change, expected] of cases) {
    it(`fails a pod that ${name}`, () => {
      const found = violations(change);
      assert.equal(found.length, 1, found.join('\n'));
      assert.match(found[0], expected);
    });
  }

  it('fails a Deployment that no PodDisruptionBudget selects', () => {
    assert.deepEqual(
      violations(() => {}, [
        { ...pdb, spec: { ...pdb.spec, selector: { matchLabels: { 'app.kubernetes.io/component': 'x' } } } },
      ]),
      ['Deployment/gateway: no PodDisruptionBudget selects its pods'],
    );
  });

  it('asks no probes or PDB of a Job, but the same pod security', () => {
    const doc = workload();
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: doc.spec };
    const container = job.spec.template.spec.containers[0];
    delete container.readinessProbe;
    delete container.livenessProbe;
    delete container.startupProbe;
    assert.deepEqual(checkPolicy([job]), []);
    container.securityContext.readOnlyRootFilesystem = false;
    assert.match(checkPolicy([job]).join('\n'), /Job\/migrate container gateway: readOnlyRootFilesystem/);
  });
});

describe('checkPodSecurity', () => {
  it('asks pod security of any workload, but no probes, preStop or PDB', () => {
    const doc = workload();
    const container = doc.spec.template.spec.containers[0];
    delete container.startupProbe;
    delete container.lifecycle;
    assert.deepEqual(checkPodSecurity([doc]), []);
    container.securityContext.capabilities.drop = [];
    assert.deepEqual(checkPodSecurity([doc]), [
      'Deployment/gateway container gateway: capabilities do not drop ALL',
    ]);
  });
});
