// Local-run settings shared by `npm start` and `npm run db:migrate`: secrets generated once per
// checkout (kept in the git-ignored .data/), so tokens and webhooks keep working across restarts.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function devSecrets() {
  const file = join(root, '.data', 'dev-secrets.json');
  if (existsSync(file)) {
    return JSON.parse(readFileSync(file, 'utf8'));
  }
  const secrets = {
    JWT_KEYS: `dev-1:${randomBytes(32).toString('base64url')}`,
    STRIPE_SECRET_KEY: `sk_test_local_${randomBytes(12).toString('hex')}`,
    STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64url')}`,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** The environment of every app: the caller's variables win over the generated local defaults. */
export function baseEnv(extra = {}) {
  const secrets = devSecrets();
  const env = {
    JWT_KEYS: secrets.JWT_KEYS,
    BLOB_STORAGE_DIR: join(root, '.data', 'blobs'),
    ...extra,
  };
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && value !== '') {
      env[key] = value;
    }
  }
  return env;
}
