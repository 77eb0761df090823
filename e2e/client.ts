import { createClient, createConfig, type Client } from '@rentguy/sdk';

/** What the suite reads of an answer: status, headers and the parsed body (text when not JSON). */
export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** The result of an operation of the SDK (`{ data } | { error }`, with the raw response). */
interface SdkResult<TData, TError> {
  data?: TData;
  error?: TError;
  response?: Response;
}

/**
 * The public API as a frontend calls it: through the generated SDK (`@rentguy/sdk`). Typed
 * operations take `api.client` (`authLogin({ client: api.client, body })`) and `api.send` turns
 * their result into an `ApiResponse`; `request`/`get`/`post` go through the same SDK client for the
 * calls a typed operation cannot make on purpose (malformed bodies, raw headers, preflights).
 */
export class ApiClient {
  readonly client: Client;

  constructor(readonly baseUrl: string) {
    this.client = createClient(createConfig({ baseUrl, headers: { accept: 'application/json' } }));
  }

  /** Awaits a typed SDK operation; the body is its data, or the error body the API answered. */
  async send<TData, TError>(
    call: Promise<SdkResult<TData, TError>>,
  ): Promise<ApiResponse<TData & Partial<TError>>> {
    const result = await call;
    if (result.response === undefined) {
      throw new Error(`no response: ${JSON.stringify(result.error)}`);
    }
    return {
      status: result.response.status,
      headers: result.response.headers,
      body: (result.error ?? result.data) as TData & Partial<TError>,
    };
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: {
      token?: string;
      json?: unknown;
      body?: RequestInit['body'];
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse<T>> {
    // No content type unless one is given (the SDK client's default is JSON): a FormData body gets
    // fetch's multipart type with its boundary, as in a browser.
    const headers: Record<string, string | null> = { 'content-type': null, ...options.headers };
    if (options.token) {
      headers.authorization = `Bearer ${options.token}`;
    }
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const result = (await this.client.request({
      method: method.toUpperCase() as 'GET',
      url: path,
      headers,
      body: body ?? undefined,
      // Sent and read as they are: these calls test what the API does with exactly these bytes.
      bodySerializer: null,
      parseAs: 'text',
    })) as SdkResult<string, unknown>;
    const response = result.response;
    if (response === undefined) {
      throw new Error(`no response: ${String(result.error)}`);
    }
    let parsed: unknown = result.error ?? result.data;
    if (
      typeof parsed === 'string' &&
      (response.headers.get('content-type') ?? '').includes('json') &&
      parsed
    ) {
      parsed = JSON.parse(parsed);
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get<T = Record<string, unknown>>(path: string, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, { token });
  }

  post<T = Record<string, unknown>>(path: string, json: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { json, token });
  }
}

/** Polls `probe` until `done` holds for its result; fails with the last result when time runs out. */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  description: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${description}; last: ${JSON.stringify(last)}`);
}
