import { Inject } from '@nestjs/common';
import { z } from 'zod';
import type { ServiceName } from './service-ports';

type Shape = z.core.$ZodShape;

/**
 * The settings of one library: the zod shape of the environment variables it reads, and the token
 * under which `ConfigModule` provides its slice of the app's validated config. Its type is
 * `ConfigOf<typeof definition>`, inferred from the shape.
 */
export interface ConfigDefinition<S extends Shape = Shape> {
  readonly name: string;
  readonly token: symbol;
  /** The variables as the given service validates them (only ports have per-service defaults). */
  shapeFor(service: ServiceName): S;
}

/**
 * Declares a library's settings once. `shape` is a function of the service when a default depends
 * on which app composes it (its ports, from `servicePorts`).
 */
export function defineConfig<S extends Shape>(
  name: string,
  shape: S | ((service: ServiceName) => S),
): ConfigDefinition<S> {
  return {
    name,
    token: Symbol(`config:${name}`),
    shapeFor: typeof shape === 'function' ? shape : () => shape,
  };
}

/** An app's definitions, merged into the one schema `loadConfig` validates. */
export interface ConfigComposition<D extends readonly ConfigDefinition[] = readonly ConfigDefinition[]> {
  readonly service: ServiceName;
  readonly definitions: D;
  readonly schema: z.ZodObject;
  /** The keys of each definition, to cut the validated config into the slices injected by token. */
  readonly keys: ReadonlyMap<ConfigDefinition, readonly string[]>;
}

type UnionToIntersection<U> = (U extends unknown ? (union: U) => void : never) extends (
  intersection: infer I,
) => void
  ? I
  : never;
type Simplify<T> = { [K in keyof T]: T[K] };

/**
 * The validated settings of a definition (its slice), or of a composition (every key of the app).
 * `@InjectConfig(rentalsConfig) config: ConfigOf<typeof rentalsConfig>`.
 */
export type ConfigOf<T> =
  T extends ConfigDefinition<infer S>
    ? z.infer<z.ZodObject<S>>
    : T extends ConfigComposition<infer D>
      ? Simplify<UnionToIntersection<ConfigOf<D[number]>>>
      : never;

/** Injects a definition's slice of the app's validated config (see `ConfigModule.forRoot`). */
export const InjectConfig = (definition: ConfigDefinition): PropertyDecorator & ParameterDecorator =>
  Inject(definition.token);

/**
 * Merges the definitions an app's modules inject into one schema. A variable belongs to one
 * definition: a key declared by two of them, or two definitions of one name, is a programming
 * error reported here, at boot, before the environment is read. Listing a definition twice is not.
 */
export function composeConfig<const D extends readonly ConfigDefinition[]>(
  service: ServiceName,
  definitions: D,
): ConfigComposition<D> {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const names = new Set<string>();
  const keys = new Map<ConfigDefinition, string[]>();
  const merged: Record<string, z.core.$ZodType> = {};
  for (const definition of new Set(definitions)) {
    if (names.has(definition.name)) {
      problems.push(`two definitions are named "${definition.name}"`);
    }
    names.add(definition.name);
    const shape = definition.shapeFor(service);
    for (const [key, schema] of Object.entries(shape)) {
      const owner = owners.get(key);
      if (owner !== undefined) {
        problems.push(`${key} is declared by both "${owner}" and "${definition.name}"`);
        continue;
      }
      owners.set(key, definition.name);
      merged[key] = schema;
    }
    keys.set(definition, Object.keys(shape));
  }
  if (problems.length > 0) {
    throw new Error(
      `Invalid config composition of ${service}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return { service, definitions, schema: z.object(merged), keys };
}

/** The part of an app's validated config that `definition` declares. */
export function configSlice<D extends ConfigDefinition>(
  composition: ConfigComposition,
  definition: D,
  config: Record<string, unknown>,
): ConfigOf<D> {
  const keys = composition.keys.get(definition);
  if (!keys) {
    throw new Error(`"${definition.name}" is not composed into the config of ${composition.service}`);
  }
  return Object.fromEntries(
    keys.filter((key) => key in config).map((key) => [key, config[key]]),
  ) as ConfigOf<D>;
}
