// The public API's contract, from the code (docs/architecture.md#api-contract):
//   libs/sdk/src/openapi.json   OpenAPI 3.1 of every /v1 route clients reach through the gateway: the
//                               gateway's own and the services' routes its edge forwards
//   libs/sdk/src/generated/     the typed TypeScript SDK, generated from that document by hey-api
// Routes are read from the apps' build (every controller each app module registers, with the zod
// schemas of its validation pipes): run `npm run build` first (`npm run api:generate` does).
//   node tools/api/generate.mjs           rewrite both
//   node tools/api/generate.mjs --check   regenerate into a temporary directory, fail if the committed
//                                         ones differ, fail if a success answer (other than 204) has
//                                         no schema and is not in UNTYPED_ANSWERS, and lint with redocly
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  existsSync,
  globSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const check = process.argv.includes('--check');
const SPEC = 'libs/sdk/src/openapi.json';
const SDK = 'libs/sdk/src/generated';

// Success answers still without a body schema (the SDK types them `unknown`). The list may only
// shrink: --check fails on an answer missing from it, and on an entry that has a schema by now.
// POST /v1/auth/password-reset answers 202 with no body at all: OpenAPI says so by leaving out
// `content`, and hey-api types every such answer but a 204 `unknown`, so it stays listed.
const UNTYPED_ANSWERS = new Set(['post /v1/auth/password-reset 202']);

/** `method path status` of every success answer (not 204) whose body has no schema. */
function untypedAnswers(document) {
  const untyped = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const typed = Object.values(response.content ?? {}).some((media) => media.schema !== undefined);
        if (status.startsWith('2') && status !== '204' && !typed) {
          untyped.push(`${method} ${path} ${status}`);
        }
      }
    }
  }
  return untyped.sort();
}

const dist = (path) => {
  const file = join(root, 'dist', path);
  if (!existsSync(file)) {
    throw new Error(`${relative(root, file)} is missing: run \`npm run build\` first`);
  }
  return require(file);
};

require('reflect-metadata');
// Walking the modules logs TypeORM's warning about one default data source per app module: not news.
require('@nestjs/common').Logger.overrideLogger(['error']);
const { loadConfig } = dist('libs/platform/config/src/index.js');
const { apiComponents, collectControllers, describeController } = dist('libs/platform/http/src/index.js');
// The gateway's table of which routes an API key may call, with which scope (api-key.scopes.ts).
const { requiredScope } = dist('libs/identity/feature/src/api-keys/api-key.scopes.js');
// The edge's route table alone: its index also loads the SDK this run (re)writes.
const { isForwardedTo } = dist('libs/gateway/edge/src/edge.routes.js');

// The app modules are only walked, never started, but their `forRoot` takes a valid config: these
// stand in for the secrets an app requires (nothing connects with them).
const throwaway = generateKeyPairSync('ed25519');
const publicJwk = { ...throwaway.publicKey.export({ format: 'jwk' }), kid: 'api-docs' };
const PLACEHOLDER_ENV = {
  JWT_SIGNING_KEY: JSON.stringify({ ...publicJwk, d: throwaway.privateKey.export({ format: 'jwk' }).d }),
  JWT_PUBLIC_KEYS: JSON.stringify({ keys: [publicJwk] }),
  PAYMENTS_SERVICE_TOKEN: 'x'.repeat(32),
  STRIPE_SECRET_KEY: 'sk_test_api_docs',
  STRIPE_WEBHOOK_SECRET: 'whsec_api_docs',
  UNSUBSCRIBE_SECRET: 'x'.repeat(32),
};

/** Every app's `/v1` operations that a client can reach through the gateway. */
async function operations() {
  const found = [];
  for (const app of readdirSync(join(root, 'apps')).sort()) {
    const { appConfig } = dist(`apps/${app}/src/config.js`);
    const { AppModule } = dist(`apps/${app}/src/app.module.js`);
    let config;
    try {
      config = loadConfig(appConfig, { env: PLACEHOLDER_ENV });
    } catch (error) {
      throw new Error(
        `${app}: ${error.message}\n(a newly required key needs a placeholder in PLACEHOLDER_ENV of tools/api/generate.mjs)`,
        { cause: error },
      );
    }
    for (const controller of await collectControllers(AppModule.forRoot(config))) {
      for (const operation of describeController(controller)) {
        if (app === 'gateway' || isForwardedTo(app, operation.path)) {
          found.push(operation);
        } else {
          console.warn(
            `${app}: ${operation.method.toUpperCase()} ${operation.path} is not routed by the gateway (EDGE_ROUTES): left out`,
          );
        }
      }
    }
  }
  return found;
}

/**
 * An API key is accepted only where the gateway's scope table lists the route (`requiredScope`);
 * there the operation says which scope it needs (`x-api-key-scope`, and in words). The key rides on
 * the `bearerAuth` scheme (`Authorization: Bearer rgk_…`): listing `X-API-Key` as a second scheme
 * would make the generated client send one token in both headers, which the gateway refuses.
 */
function withApiKeyScope(method, path, operation) {
  const scope = requiredScope(method.toUpperCase(), path.replace(/\{\w+\}/g, 'x'));
  if (scope === undefined) {
    return;
  }
  operation['x-api-key-scope'] = scope;
  operation.description = [operation.description, `API keys: with scope \`${scope}\`.`]
    .filter(Boolean)
    .join('\n\n');
}

const TAGS = {
  'api-keys':
    'The signed-in user’s API keys for partners: create (the secret is shown once), list, revoke (the gateway).',
  auth: 'Accounts and sessions: register, login, refresh token rotation, logout (the gateway).',
  properties:
    'Listings: public search and reads, quotes, a host’s edits, images, blocks, calendar feeds and iCal export (rentals).',
  bookings: 'Holds and bookings of a stay, and their payments (rentals, payments).',
  applications: 'Long-term rental applications and their screening (rentals).',
  host: 'A host’s own listings, the bookings on them and their monthly analytics (rentals).',
  images: 'Image variant files, public and immutable (rentals).',
  webhooks: 'Payment providers’ webhooks, forwarded byte for byte (payments).',
  me: 'The caller’s own notifications and preferences (notifications).',
  admin: 'Admin-only views: the email delivery ledger (notifications), platform analytics (rentals).',
  notifications: 'One-click unsubscribe from emails (notifications).',
};

/** The bearer scheme also carries partners' API keys (`rgk_…`), where a route takes them. */
function withApiKeys(components) {
  const bearerAuth = {
    ...components.securitySchemes.bearerAuth,
    description: `${components.securitySchemes.bearerAuth.description} Or a partner’s API key (\`rgk_…\`, also as \`X-API-Key\`), on the operations that name an \`x-api-key-scope\`.`,
  };
  return { ...components, securitySchemes: { ...components.securitySchemes, bearerAuth } };
}

async function openApiDocument() {
  const paths = {};
  const seenIds = new Map();
  for (const { method, path, operation } of await operations()) {
    const where = `${method.toUpperCase()} ${path}`;
    if (paths[path]?.[method]) {
      throw new Error(`${where} is declared twice`);
    }
    if (seenIds.has(operation.operationId)) {
      throw new Error(
        `operationId ${operation.operationId} of ${where} is also ${seenIds.get(operation.operationId)}'s`,
      );
    }
    seenIds.set(operation.operationId, where);
    withApiKeyScope(method, path, operation);
    paths[path] = { ...paths[path], [method]: operation };
  }
  const sortedPaths = Object.fromEntries(
    Object.keys(paths)
      .sort()
      .map((path) => [
        path,
        Object.fromEntries(
          Object.keys(paths[path])
            .sort()
            .map((m) => [m, paths[path][m]]),
        ),
      ]),
  );
  const usedTags = new Set(
    Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags)),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'RentGuy API',
      version: '1',
      description:
        'The public API of RentGuy, served by the gateway. Generated from the routes and the zod schemas that validate them (`npm run api:generate`); every error answers with the `Error` body.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: '/', description: 'the gateway this document is served by' }],
    tags: [...usedTags].sort().map((name) => ({ name, description: TAGS[name] ?? `${name} routes` })),
    paths: sortedPaths,
    components: withApiKeys(apiComponents()),
  };
}

async function formatted(path, text) {
  return format(text, { ...(await resolveConfig(join(root, path))), filepath: join(root, path) });
}

/** Writes the document and the SDK under `outRoot` (the repository, or a temporary copy of its layout). */
async function generate(outRoot) {
  const document = await openApiDocument();
  const specFile = join(outRoot, SPEC);
  mkdirSync(dirname(specFile), { recursive: true });
  writeFileSync(specFile, await formatted(SPEC, JSON.stringify(document, null, 2)));
  const sdkDir = join(outRoot, SDK);
  rmSync(sdkDir, { recursive: true, force: true });
  const { createClient } = await import('@hey-api/openapi-ts');
  await createClient({
    input: specFile,
    output: { path: sdkDir },
    plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
    logs: { level: 'silent', file: false },
  });
  for (const file of globSync('**/*.ts', { cwd: sdkDir })) {
    const path = join(sdkDir, file);
    writeFileSync(path, await formatted(join(SDK, file), readFileSync(path, 'utf8')));
  }
}

/** The generated files under `base`, relative to it. */
function filesOf(base) {
  const sdkDir = join(base, SDK);
  const sdkFiles = existsSync(sdkDir)
    ? globSync('**/*', { cwd: sdkDir, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(base, join(entry.parentPath, entry.name)))
    : [];
  return [...(existsSync(join(base, SPEC)) ? [SPEC] : []), ...sdkFiles].sort();
}

if (!check) {
  await generate(root);
  console.log(`wrote ${SPEC} and ${SDK}/`);
} else {
  const scratch = mkdtempSync(join(tmpdir(), 'rentguy-api-'));
  try {
    await generate(scratch);
    const expected = filesOf(scratch);
    const committed = filesOf(root);
    const stale = [...new Set([...expected, ...committed])].filter(
      (file) =>
        !existsSync(join(root, file)) ||
        !existsSync(join(scratch, file)) ||
        readFileSync(join(root, file), 'utf8') !== readFileSync(join(scratch, file), 'utf8'),
    );
    if (stale.length > 0) {
      console.error(`stale API contract (run \`npm run api:generate\` and commit):\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log(`${SPEC} and ${SDK}/ are up to date`);
    const untyped = untypedAnswers(JSON.parse(readFileSync(join(scratch, SPEC), 'utf8')));
    const unlisted = untyped.filter((answer) => !UNTYPED_ANSWERS.has(answer));
    const typedNow = [...UNTYPED_ANSWERS].filter((answer) => !untyped.includes(answer));
    if (unlisted.length > 0 || typedNow.length > 0) {
      console.error(
        [
          ...unlisted.map((answer) => `success answer without a schema (give @ApiDoc one): ${answer}`),
          ...typedNow.map((answer) => `has a schema now (drop it from UNTYPED_ANSWERS): ${answer}`),
        ].join('\n'),
      );
      process.exit(1);
    }
    console.log(`${untyped.length} success answers without a schema, all known`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const lint = spawnSync(join(root, 'node_modules/.bin/redocly'), ['lint', SPEC, '--format', 'stylish'], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(lint.status ?? 1);
}
