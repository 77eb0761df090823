// Local-run settings shared by `npm start` and `npm run db:migrate`: secrets generated once per
// checkout (kept in the git-ignored .data/), so tokens and webhooks keep working across restarts.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newJwtKeyPair, publicKeysDocument } from './jwt-keys.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function devSecrets() {
  const file = join(root, '.data', 'dev-secrets.json');
  const kept = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  // A checkout from before asymmetric tokens kept an HMAC secret (JWT_KEYS): it gets a key pair.
  if (kept?.JWT_SIGNING_KEY) {
    return kept;
  }
  const jwt = newJwtKeyPair('dev-1');
  const secrets = {
    ...kept,
    JWT_SIGNING_KEY: jwt.signingKey,
    JWT_PUBLIC_KEYS: publicKeysDocument(jwt.publicJwk),
    STRIPE_SECRET_KEY: kept?.STRIPE_SECRET_KEY ?? `sk_test_local_${randomBytes(12).toString('hex')}`,
    STRIPE_WEBHOOK_SECRET: kept?.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('base64url')}`,
  };
  delete secrets.JWT_KEYS;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** The environment of every app: the caller's variables win over the generated local defaults. */
export function baseEnv(extra = {}) {
  const secrets = devSecrets();
  const env = {
    JWT_SIGNING_KEY: secrets.JWT_SIGNING_KEY,
    JWT_PUBLIC_KEYS: secrets.JWT_PUBLIC_KEYS,
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
