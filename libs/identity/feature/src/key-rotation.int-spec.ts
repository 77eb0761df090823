import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { jwks, TestSigningKey } from '@rentguy/testing/platform';
import { startIdentityTestApp } from '../test/identity-test.app';

// A signing-key rotation as operators run it (docs/architecture.md, "Sessions and signing keys"),
// with replicas of the old and the new configuration serving side by side during every rollout, as
// in a rolling update. Gateways sign (login, refresh) and verify; services verify only: here both
// are the identity routes booted with that replica's keys, a service checking a token through the
// guarded `GET /v1/me`. Through every step, every token any gateway replica hands out must be
// accepted by every service replica.

const oldKey = new TestSigningKey('2026-01');
const newKey = new TestSigningKey('2026-07');
const password = 'correct horse battery staple';

interface Replica {
  name: string;
  app: NestFastifyApplication;
}

const booted: NestFastifyApplication[] = [];

async function replica(name: string, signing: TestSigningKey, published: TestSigningKey[]): Promise<Replica> {
  const app = await startIdentityTestApp({
    JWT_SIGNING_KEY: signing.signingKey,
    JWT_PUBLIC_KEYS: jwks(...published),
  });
  booted.push(app);
  return { name, app };
}

afterAll(async () => {
  await Promise.all(booted.map((app) => app.close()));
});

interface Client {
  email: string;
  accessToken: string;
  refreshToken: string;
}

const pick = <T>(items: T[], i: number): T => items[i % items.length] as T;

describe('rotating the access-token signing key', () => {
  it('fails no request in any step of the rotation', async () => {
    const gatewayOld = await replica('gateway, signs old, publishes old', oldKey, [oldKey]);
    const serviceOld = await replica('service, verifies old', oldKey, [oldKey]);
    const gatewayPublishing = await replica('gateway, signs old, publishes both', oldKey, [oldKey, newKey]);
    const serviceBoth = await replica('service, verifies both', oldKey, [oldKey, newKey]);
    const gatewaySigningNew = await replica('gateway, signs new, publishes both', newKey, [oldKey, newKey]);
    const gatewayNew = await replica('gateway, signs new, publishes new', newKey, [newKey]);
    const serviceNew = await replica('service, verifies new', newKey, [newKey]);

    const email = `rotation.${randomUUID().slice(0, 8)}@example.com`;
    const registered = await gatewayOld.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email, password, name: 'Rota', role: 'guest' },
    });
    expect(registered.statusCode).toBe(201);

    const failures: string[] = [];
    let requests = 0;
    const clients: Client[] = [];

    /** Logs a client in at a gateway replica. */
    async function login(gateway: Replica): Promise<Client> {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email, password },
      });
      requests += 1;
      if (response.statusCode !== 200) {
        failures.push(`login at ${gateway.name}: ${response.statusCode}`);
      }
      return { email, ...response.json<{ accessToken: string; refreshToken: string }>() };
    }

    /** Refreshes a client's tokens at a gateway replica. */
    async function refresh(client: Client, gateway: Replica): Promise<void> {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/v1/auth/refresh',
        payload: { refreshToken: client.refreshToken },
      });
      requests += 1;
      if (response.statusCode !== 200) {
        failures.push(`refresh at ${gateway.name}: ${response.statusCode}`);
        return;
      }
      Object.assign(client, response.json<{ accessToken: string; refreshToken: string }>());
    }

    /** One round of traffic: new logins, and every client's token at every service replica. */
    async function traffic(step: string, gateways: Replica[], services: Replica[]): Promise<void> {
      for (let i = 0; i < 4; i += 1) {
        clients.push(await login(pick(gateways, i)));
      }
      await Promise.all(
        clients.flatMap((client, i) =>
          services.map(async (service) => {
            const response = await service.app.inject({
              method: 'GET',
              url: '/v1/me',
              headers: { authorization: `Bearer ${client.accessToken}` },
            });
            requests += 1;
            if (response.statusCode !== 200) {
              failures.push(`${step}: client ${i} at ${service.name}: ${response.statusCode}`);
            }
          }),
        ),
      );
    }

    // Before: one key everywhere.
    await traffic('before', [gatewayOld], [serviceOld]);
    // 1. Publish the new public key everywhere (gateways and services roll, old and new side by side).
    await traffic('1. publish', [gatewayOld, gatewayPublishing], [serviceOld, serviceBoth]);
    await traffic('1. done', [gatewayPublishing], [serviceBoth]);
    // 2. The gateways sign with the new key; old tokens still verify.
    await traffic('2. sign', [gatewayPublishing, gatewaySigningNew], [serviceBoth]);
    await traffic('2. done', [gatewaySigningNew], [serviceBoth]);
    // Access tokens signed with the old key run out (at most 15 minutes): clients refresh.
    for (const [i, client] of clients.entries()) {
      await refresh(client, pick([gatewaySigningNew], i));
    }
    // 3. Retire the old public key.
    await traffic('3. retire', [gatewaySigningNew, gatewayNew], [serviceBoth, serviceNew]);
    await traffic('after', [gatewayNew], [serviceNew]);

    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(150);

    // Each gateway publishes the keys it verifies with.
    const kids = async (gateway: Replica) =>
      (await gateway.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }))
        .json<{ keys: { kid: string }[] }>()
        .keys.map((k) => k.kid);
    expect(await kids(gatewayOld)).toEqual(['2026-01']);
    expect(await kids(gatewaySigningNew)).toEqual(['2026-01', '2026-07']);
    expect(await kids(gatewayNew)).toEqual(['2026-07']);
  });

  it('would fail requests if the gateways signed with a key the services do not know yet', async () => {
    const early = await replica('gateway, signs new too early', newKey, [newKey]);
    const service = await replica('service, verifies old', oldKey, [oldKey]);
    const email = `early.${randomUUID().slice(0, 8)}@example.com`;
    const response = await early.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email, password, name: 'Early', role: 'guest' },
    });
    const token = response.json<{ accessToken: string }>().accessToken;

    const rejected = await service.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });

    expect(rejected.statusCode).toBe(401);
  });

  it('publishes public keys only, with the caching headers of a public read', async () => {
    const gateway = await replica('gateway', oldKey, [oldKey, newKey]);

    const response = await gateway.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });

    expect(response.statusCode).toBe(200);
    const { keys } = response.json<{ keys: Record<string, unknown>[] }>();
    expect(keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: oldKey.jwk.x, kid: '2026-01', alg: 'EdDSA', use: 'sig' },
      { kty: 'OKP', crv: 'Ed25519', x: newKey.jwk.x, kid: '2026-07', alg: 'EdDSA', use: 'sig' },
    ]);
    expect(response.body).not.toContain('"d"');
  });
});
