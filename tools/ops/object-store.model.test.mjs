// The ObjectStore model passes the repository's manifest and names each kind of mistake (node --test).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ObjectStore } from './object-store.model.mjs';

const manifest = parse(
  readFileSync(new URL('../../k8s/base/postgres/object-store.yaml', import.meta.url), 'utf8'),
);

function errorsOf(doc) {
  try {
    new ObjectStore(doc).validate();
    return [];
  } catch (error) {
    return error.errors.map((e) => `${e.instancePath} ${e.message}`);
  }
}

function withSpec(change) {
  const doc = structuredClone(manifest);
  change(doc.spec);
  return doc;
}

describe('ObjectStore model', () => {
  it("accepts the repository's object store", () => {
    assert.deepEqual(errorsOf(manifest), []);
  });

  it('applies the bundled barman-cloud schema to the configuration', () => {
    assert.deepEqual(errorsOf(withSpec((spec) => (spec.configuration.wal.compression = 'zip'))), [
      '/spec/configuration/wal/compression must be equal to one of the allowed values',
    ]);
    assert.deepEqual(errorsOf(withSpec((spec) => delete spec.configuration.destinationPath)), [
      '/spec/configuration must have required property destinationPath',
    ]);
  });

  it('refuses what the CRD refuses around it', () => {
    assert.deepEqual(errorsOf(withSpec((spec) => (spec.retentionPolicy = '30 days'))), [
      '/spec/retentionPolicy must match /^[1-9][0-9]*[dwm]$/',
    ]);
    assert.match(
      errorsOf(withSpec((spec) => (spec.configuration.serverName = 'db')))[0],
      /serverName is forbidden/,
    );
    assert.deepEqual(errorsOf(withSpec((spec) => (spec.retention = '30d'))), [
      '/spec/retention is not a field of this type',
    ]);
    assert.deepEqual(errorsOf({ ...manifest, spec: 42 }), ['/spec must be object']);
    assert.deepEqual(errorsOf(withSpec((spec) => delete spec.configuration)), [
      '/spec/configuration is required and must be object',
    ]);
  });

  it("checks the sidecar's env and resources with the Kubernetes schemas", () => {
    const doc = withSpec((spec) => {
      spec.instanceSidecarConfiguration = {
        env: [{ name: 'A', value: 1 }],
        resources: { limits: { memory: {} } },
        retentionPolicyIntervalSeconds: 1.5,
      };
    });
    const errors = errorsOf(doc);
    assert.ok(
      errors.includes('/spec/instanceSidecarConfiguration/env/0/value must be string'),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('/spec/instanceSidecarConfiguration/resources/limits/memory')),
      errors.join('\n'),
    );
    assert.ok(
      errors.includes('/spec/instanceSidecarConfiguration/retentionPolicyIntervalSeconds must be integer'),
    );
  });
});
