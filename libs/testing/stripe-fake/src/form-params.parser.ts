/** A decoded form value: a plain string, or a nested object from bracket notation. */
export type FormValue = string | FormParams;

export interface FormParams {
  [key: string]: FormValue;
}

/** Thrown when two keys give one name both a plain value and nested values (`a=1&a[b]=2`). */
export class FormParamsConflictError extends Error {
  constructor(readonly param: string) {
    super(`Invalid value for ${param}: it is given both as a value and as a hash`);
  }
}

/**
 * Decodes `application/x-www-form-urlencoded` with Stripe's bracket notation, as the SDK writes it
 * with qs (`metadata[bookingId]=b1`, `payment_method_types[0]=card`, `expand[]=x`), into nested
 * objects. Arrays stay objects keyed by index; the request handlers read them as arrays.
 * Objects have no prototype, so a `__proto__` key is just a key.
 */
export function parseFormParams(encoded: string): FormParams {
  const root = emptyParams();
  for (const [key, value] of new URLSearchParams(encoded)) {
    const path = keyPath(key);
    let node = root;
    for (let i = 0; i < path.length - 1; i += 1) {
      const segment = appendIndex(node, path[i]);
      const child = node[segment];
      if (typeof child === 'string') {
        throw new FormParamsConflictError(displayName(path.slice(0, i + 1)));
      }
      node = child ?? (node[segment] = emptyParams());
    }
    const last = appendIndex(node, path[path.length - 1]);
    if (typeof node[last] === 'object') {
      throw new FormParamsConflictError(displayName(path));
    }
    node[last] = value;
  }
  return root;
}

/** Writes params in a stable form (keys sorted at every level), to compare two requests' params. */
export function canonicalParams(params: FormParams): string {
  const sort = (value: FormValue): unknown =>
    typeof value === 'string'
      ? value
      : Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, sort(value[key])]),
        );
  return JSON.stringify(sort(params));
}

function emptyParams(): FormParams {
  return Object.create(null) as FormParams;
}

/** `a[b][]` → ['a', 'b', '']; a key that is not well-formed bracket notation is taken literally. */
function keyPath(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) {
    return [key];
  }
  const nested = [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]);
  return [match[1], ...nested];
}

/** `[]` appends: it becomes the next numeric index of the object it is in. */
function appendIndex(node: FormParams, segment: string): string {
  return segment === '' ? String(Object.keys(node).length) : segment;
}

function displayName(path: string[]): string {
  return (
    path[0] +
    path
      .slice(1)
      .map((segment) => `[${segment}]`)
      .join('')
  );
}
