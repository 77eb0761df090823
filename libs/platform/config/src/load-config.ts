import { existsSync } from 'node:fs';
import type { ConfigComposition, ConfigOf } from './define-config';

/** Thrown at boot when the environment does not satisfy an app's config; lists every invalid key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Defaults to process.env, after an optional `.env` in the working directory has been loaded. */
  env?: Record<string, string | undefined>;
  envFile?: string | false;
}

/** The one place that reads the process environment. */
export function readEnvironment(envFile: string | false = '.env'): Record<string, string | undefined> {
  if (envFile && existsSync(envFile)) {
    // Variables already set in the environment win over the file.
    process.loadEnvFile(envFile);
  }
  return process.env;
}

/**
 * Validates the environment against every definition of `composition` at once and returns the typed
 * config, or throws ConfigError listing each invalid key.
 */
export function loadConfig<C extends ConfigComposition>(
  composition: C,
  options: LoadConfigOptions = {},
): ConfigOf<C> {
  const env = options.env ?? readEnvironment(options.envFile ?? '.env');
  // Empty strings mean "unset", as in most shells' `FOO= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = composition.schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(root)';
      const received = key in cleaned ? '' : ' (not set)';
      return `${key}: ${issue.message}${received}`;
    });
    throw new ConfigError(problems);
  }
  return result.data as ConfigOf<C>;
}

const SECRET_KEY = /(SECRET|PASSWORD|TOKENS?|KEYS?)$/;
const URL_WITH_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i;

/** A copy of the config that is safe to log: secrets masked, credentials removed from URLs. */
export function maskConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      if (SECRET_KEY.test(key) && value !== undefined) {
        return [key, '***'];
      }
      if (typeof value === 'string' && URL_WITH_CREDENTIALS.test(value)) {
        return [key, value.replace(URL_WITH_CREDENTIALS, '$1***@')];
      }
      return [key, value];
    }),
  );
}
