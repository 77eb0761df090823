import { ROLES } from '@rentguy/contracts';
import { pageSchema, type Holds, type PublicJwk, type SchemaMatches } from '@rentguy/platform/http';
import { z } from 'zod';
import type { UserPage, UserView } from './account.dto';
import type { ApiKeyView, CreatedApiKey } from './api-keys/api-key.dto';
import type { AuditEntryView } from './audit/audit-log.service';

/**
 * The answers of identity's public routes, as the OpenAPI document describes them (`@ApiDoc`). The
 * views stay the interfaces the code returns; the assertions at the end fail the typecheck when one
 * drifts from its schema.
 */

const timestamp = z.iso.datetime({ offset: true });

export const userViewSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  locale: z.enum(['en', 'nl']),
  createdAt: timestamp,
});

export const userPageSchema = pageSchema(userViewSchema);

export const auditEntryViewSchema = z.object({
  id: z.string(),
  occurredAt: timestamp,
  actor: z.object({ id: z.string(), role: z.string().nullable() }).nullable(),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  source: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const auditPageSchema = pageSchema(auditEntryViewSchema);

export const jwksSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: z.string().meta({ description: 'the public key, base64url' }),
      kid: z.string(),
      alg: z.literal('EdDSA'),
      use: z.literal('sig'),
    }),
  ),
});

export const apiKeyViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z
    .string()
    .meta({ description: 'the public part of the key (`rgk_<key id>_`), to tell keys apart' }),
  scopes: z.array(z.string()),
  createdAt: timestamp,
  expiresAt: timestamp,
  lastUsedAt: timestamp.nullable(),
});

export const apiKeyListSchema = z.object({ items: z.array(apiKeyViewSchema) });

export const createdApiKeySchema = apiKeyViewSchema.extend({
  key: z.string().meta({ description: 'the whole key: shown in this answer and nowhere else, ever' }),
});

export type IdentityViewSchemasMatch = [
  Holds<SchemaMatches<typeof userViewSchema, UserView>>,
  Holds<SchemaMatches<typeof userPageSchema, UserPage>>,
  Holds<SchemaMatches<typeof auditEntryViewSchema, AuditEntryView>>,
  Holds<SchemaMatches<typeof apiKeyViewSchema, ApiKeyView>>,
  Holds<SchemaMatches<typeof apiKeyListSchema, { items: ApiKeyView[] }>>,
  Holds<SchemaMatches<typeof createdApiKeySchema, CreatedApiKey>>,
  Holds<SchemaMatches<typeof jwksSchema, { keys: PublicJwk[] }>>,
];
