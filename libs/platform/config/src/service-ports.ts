import { z } from 'zod';

/**
 * The one table of the services' default ports: public HTTP (`PORT`) and ops (`OPS_PORT`, health and
 * metrics). The apps' config, `npm start`, the bench, the e2e suite and the defaults of the URLs
 * services reach each other at all come from here; `PORT`/`OPS_PORT` override them per process.
 */
export const servicePorts = {
  gateway: { http: 3000, ops: 9100 },
  rentals: { http: 3001, ops: 9101 },
  payments: { http: 3002, ops: 9102 },
  notifications: { http: 3003, ops: 9103 },
  'image-worker': { ops: 9104 },
  'screening-worker': { ops: 9105 },
} as const satisfies Record<string, { http?: number; ops: number }>;

/** The six deployables. */
export type ServiceName = keyof typeof servicePorts;

/** A service that serves HTTP. */
export type HttpServiceName = {
  [S in ServiceName]: (typeof servicePorts)[S] extends { http: number } ? S : never;
}[ServiceName];

/** Where a service answers HTTP on a developer's machine: the default of the URLs pointing at it. */
export function localServiceUrl(service: HttpServiceName): string {
  return `http://127.0.0.1:${servicePorts[service].http}`;
}

/** A TCP port number in an environment variable. */
export const portSchema = z.coerce.number().int().min(0).max(65535);
