/** The gateway config keys the edge reads (from APP_CONFIG). */
export interface EdgeConfig {
  RENTALS_URL: string;
  PAYMENTS_URL: string;
  /** Most connections kept open to each service. */
  UPSTREAM_CONNECTIONS: number;
  /** Give up on connecting to a service after this long (2 s by default). */
  UPSTREAM_CONNECT_TIMEOUT_MS: number;
  /** Give up waiting for a service's response headers after this long (10 s by default). */
  UPSTREAM_HEADERS_TIMEOUT_MS: number;
  BODY_LIMIT_BYTES: number;
  UPLOAD_LIMIT_BYTES: number;
}

/** The services behind the gateway. */
export type Upstream = 'rentals' | 'payments';
