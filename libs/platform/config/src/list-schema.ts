import { z } from 'zod';

/**
 * A comma-separated variable as its trimmed, non-empty entries (`"a, b,,c"` → `["a", "b", "c"]`);
 * `.pipe(...)` on the result validates each entry.
 */
export const commaSeparated = (fallback = '') =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    );
