import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** The zod schema that validates a body, as its OpenAPI description: one source of truth. */
export const openApiSchema = (schema: z.ZodType): SchemaObject =>
  z.toJSONSchema(schema, { target: 'openapi-3.0' }) as SchemaObject;
