// The Barman Cloud plugin's `ObjectStore` (barmancloud.cnpg.io/v1) has no kubernetes-models package of
// its own. Its spec is small: `configuration` is barman-cloud's BarmanObjectStoreConfiguration, the very
// type CloudNativePG's Cluster uses for `backup.barmanObjectStore`, whose schema
// @kubernetes-models/cloudnative-pg bundles. This model checks the envelope the plugin's CRD declares
// and hands the nested types to the bundled schemas, so the same offline validation applies.
import { BarmanObjectStoreConfiguration } from '@kubernetes-models/cloudnative-pg/github.com/cloudnative-pg/barman-cloud/pkg/api/BarmanObjectStoreConfiguration';
import { EnvVar } from 'kubernetes-models/v1/EnvVar';
import { ResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';

const SPEC_FIELDS = new Set(['configuration', 'retentionPolicy', 'instanceSidecarConfiguration']);
const SIDECAR_FIELDS = new Set(['env', 'retentionPolicyIntervalSeconds', 'resources']);
/** The CRD's pattern: a positive number of days, weeks or months. */
const RETENTION = /^[1-9][0-9]*[dwm]$/;

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Errors of one nested value against a kubernetes-models class, with paths made absolute. */
function nested(Model, value, path) {
  try {
    new Model(value).validate();
    return [];
  } catch (error) {
    return (error.errors ?? [{ instancePath: '', message: error.message }]).map((e) => ({
      instancePath: `${path}${e.instancePath}`,
      message: e.message,
    }));
  }
}

function unknownFields(value, allowed, path) {
  return Object.keys(value)
    .filter((key) => !allowed.has(key))
    .map((key) => ({ instancePath: `${path}/${key}`, message: 'is not a field of this type' }));
}

function specErrors(spec) {
  if (!isObject(spec)) {
    return [{ instancePath: '/spec', message: 'must be object' }];
  }
  const errors = unknownFields(spec, SPEC_FIELDS, '/spec');
  if (!isObject(spec.configuration)) {
    errors.push({ instancePath: '/spec/configuration', message: 'is required and must be object' });
  } else {
    if ('serverName' in spec.configuration) {
      errors.push({
        instancePath: '/spec/configuration/serverName',
        message: "is forbidden: use the 'serverName' plugin parameter in the Cluster resource",
      });
    }
    errors.push(...nested(BarmanObjectStoreConfiguration, spec.configuration, '/spec/configuration'));
  }
  if (spec.retentionPolicy !== undefined && !RETENTION.test(String(spec.retentionPolicy))) {
    errors.push({ instancePath: '/spec/retentionPolicy', message: `must match ${RETENTION}` });
  }
  const sidecar = spec.instanceSidecarConfiguration;
  if (sidecar !== undefined) {
    if (!isObject(sidecar)) {
      errors.push({ instancePath: '/spec/instanceSidecarConfiguration', message: 'must be object' });
    } else {
      const path = '/spec/instanceSidecarConfiguration';
      errors.push(...unknownFields(sidecar, SIDECAR_FIELDS, path));
      if (sidecar.env !== undefined) {
        errors.push(
          ...(Array.isArray(sidecar.env)
            ? sidecar.env.flatMap((item, i) => nested(EnvVar, item, `${path}/env/${i}`))
            : [{ instancePath: `${path}/env`, message: 'must be array' }]),
        );
      }
      if (sidecar.resources !== undefined) {
        errors.push(...nested(ResourceRequirements, sidecar.resources, `${path}/resources`));
      }
      if (
        sidecar.retentionPolicyIntervalSeconds !== undefined &&
        !Number.isInteger(sidecar.retentionPolicyIntervalSeconds)
      ) {
        errors.push({ instancePath: `${path}/retentionPolicyIntervalSeconds`, message: 'must be integer' });
      }
    }
  }
  return errors;
}

/** Validates like a kubernetes-models class: `validate()` throws an error carrying `errors`. */
export class ObjectStore {
  constructor(doc) {
    this.doc = doc;
  }

  validate() {
    const errors =
      isObject(this.doc.metadata) && typeof this.doc.metadata.name === 'string'
        ? []
        : [{ instancePath: '/metadata/name', message: 'is required' }];
    errors.push(...specErrors(this.doc.spec));
    if (errors.length > 0) {
      throw Object.assign(new Error('ObjectStore is invalid'), { errors });
    }
  }
}
