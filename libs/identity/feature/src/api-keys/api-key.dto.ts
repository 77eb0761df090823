import { z } from 'zod';
import { API_KEY_SCOPES } from './api-key.scopes';

export const MAX_EXPIRY_DAYS = 365;
export const DEFAULT_EXPIRY_DAYS = 90;

export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1)
    .max(API_KEY_SCOPES.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat'),
  expiresInDays: z.number().int().min(1).max(MAX_EXPIRY_DAYS).default(DEFAULT_EXPIRY_DAYS),
});
export type CreateApiKeyDto = z.infer<typeof createApiKeySchema>;

export const apiKeyIdSchema = z.uuid();

/** A key as listed: never its secret. */
export interface ApiKeyView {
  id: string;
  name: string;
  /** The public part of the key (`rgk_<key id>_…`), to tell keys apart. */
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
}

/** The answer to a creation: the one time the whole key is shown. */
export interface CreatedApiKey extends ApiKeyView {
  key: string;
}
