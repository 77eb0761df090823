import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The public API's OpenAPI 3.1 document (`openapi.json` beside this file, written by
 * `npm run api:generate`), as the gateway serves it at `/docs/openapi.json`.
 */
export function openApiDocument(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, 'openapi.json'), 'utf8')) as Record<string, unknown>;
}
