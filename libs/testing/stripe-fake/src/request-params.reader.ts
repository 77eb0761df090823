import type { FormParams, FormValue } from './form-params.parser';
import { invalidRequest, unsupportedByFake } from './stripe-api.error';

/**
 * Rejects parameters the endpoint does not take, as Stripe does ("Received unknown parameter"),
 * and parameters Stripe takes but the fake does not model, with a message that says so.
 */
export function assertKnownParams(
  params: FormParams,
  supported: readonly string[],
  unsupported: readonly string[] = [],
): void {
  for (const name of Object.keys(params)) {
    if (unsupported.includes(name)) {
      throw unsupportedByFake(name);
    }
    if (!supported.includes(name)) {
      throw invalidRequest(`Received unknown parameter: ${name}`, name, 'parameter_unknown');
    }
  }
}

export function readString(params: FormParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw invalidRequest(`Invalid string: ${describe(value)}`, name, 'parameter_invalid_string');
  }
  return value;
}

export function requireString(params: FormParams, name: string): string {
  const value = readString(params, name);
  if (value === undefined || value === '') {
    throw invalidRequest(`Missing required param: ${name}.`, name, 'parameter_missing');
  }
  return value;
}

export function readInteger(params: FormParams, name: string): number | undefined {
  const value = readString(params, name);
  if (value === undefined) {
    return undefined;
  }
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw invalidRequest(`Invalid integer: ${value}`, name, 'parameter_invalid_integer');
  }
  return Number(value);
}

export function readBoolean(params: FormParams, name: string, param = name): boolean | undefined {
  const value = readString(params, name);
  if (value === undefined) {
    return undefined;
  }
  if (value !== 'true' && value !== 'false') {
    throw invalidRequest(`Invalid boolean: ${value}`, param);
  }
  return value === 'true';
}

export function readEnum<T extends string>(
  params: FormParams,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = readString(params, name);
  if (value === undefined || value === '') {
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidRequest(`Invalid ${name}: must be one of ${allowed.join(', ')}`, name);
  }
  return value as T;
}

/** An array param (`payment_method_types[0]=card`), which the parser leaves as an object keyed by index. */
export function readStringArray(params: FormParams, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value === 'string' || !Object.keys(value).every((key) => /^\d+$/.test(key))) {
    throw invalidRequest(`Invalid array`, name);
  }
  return Object.keys(value)
    .sort((a, b) => Number(a) - Number(b))
    .map((index) => {
      const item = value[index];
      if (typeof item !== 'string') {
        throw invalidRequest(`Invalid string: ${describe(item)}`, `${name}[${index}]`);
      }
      return item;
    });
}

export function readHash(params: FormParams, name: string): FormParams | undefined {
  const value = params[name];
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value === 'string') {
    throw invalidRequest(`Invalid hash`, name);
  }
  return value;
}

/**
 * Reads `metadata[...]` with Stripe's limits (50 keys, keys up to 40 and values up to 500
 * characters). An empty value unsets a key, so it is left out.
 */
export function readMetadata(params: FormParams): Record<string, string> {
  const hash = readHash(params, 'metadata');
  const metadata: Record<string, string> = {};
  if (!hash) {
    return metadata;
  }
  for (const key of Object.keys(hash)) {
    const value = hash[key];
    const param = `metadata[${key}]`;
    if (typeof value !== 'string') {
      throw invalidRequest(`Invalid string: ${describe(value)}`, param);
    }
    if (key.length > 40) {
      throw invalidRequest(`Metadata keys can have a maximum length of 40 characters.`, param);
    }
    if (value.length > 500) {
      throw invalidRequest(`Metadata values can have a maximum length of 500 characters.`, param);
    }
    if (value !== '') {
      metadata[key] = value;
    }
  }
  if (Object.keys(metadata).length > 50) {
    throw invalidRequest('You can have at most 50 metadata keys.', 'metadata');
  }
  return metadata;
}

function describe(value: FormValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
