// Ed25519 key pairs for access tokens. As a command it prints a new pair for an operator:
//   node tools/dev/jwt-keys.mjs KID
// JWT_SIGNING_KEY goes to the gateway only; the public JWK is added to JWT_PUBLIC_KEYS everywhere
// (docs/architecture.md, "Sessions and signing keys", for the rotation steps).
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** A new key pair: `signingKey` (a private JWK, JSON) and `publicJwk` (an object). */
export function newJwtKeyPair(kid) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' });
  const { d } = privateKey.export({ format: 'jwk' });
  const publicJwk = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' };
  return { signingKey: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x, d, kid }), publicJwk };
}

/** A `JWT_PUBLIC_KEYS` document. */
export function publicKeysDocument(...publicJwks) {
  return JSON.stringify({ keys: publicJwks });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kid = process.argv[2];
  if (!kid) {
    console.error('usage: node tools/dev/jwt-keys.mjs KID');
    process.exit(1);
  }
  const pair = newJwtKeyPair(kid);
  console.log(`JWT_SIGNING_KEY=${pair.signingKey}`);
  console.log(`public JWK (add to JWT_PUBLIC_KEYS' "keys"): ${JSON.stringify(pair.publicJwk)}`);
}
