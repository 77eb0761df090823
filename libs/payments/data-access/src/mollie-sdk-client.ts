import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import createMollieClient, { type MollieClient } from '@mollie/api-client';
import { isLoopbackUrl } from './loopback-address.util';

export interface MollieSdkClientOptions {
  apiKey: string;
  /** The API root, e.g. `https://api.mollie.com/v2/`. */
  apiEndpoint: string;
  /**
   * The PEM of a loopback server's own self-signed certificate, trusted by this client alone.
   * Refused for any other host: everywhere else the SDK's bundled CA list decides.
   */
  trustedCertificate?: string;
}

/**
 * The official SDK's client. The SDK builds its own `https.Agent`, with its bundled CA list and
 * without keep-alive, and takes none from outside; so the agent it builds while this function runs
 * (synchronously) is one of ours, and `https.Agent` is restored before the function returns (no
 * other client or connection is affected):
 * - kept alive, so calls reuse their TLS connection instead of a handshake each (every webhook
 *   re-fetches its payment);
 * - for a loopback endpoint only, trusting exactly `trustedCertificate`: a local HTTPS fake's
 *   self-signed certificate cannot be trusted the ordinary way.
 */
export function createMollieSdkClient(options: MollieSdkClientOptions): MollieClient {
  const { trustedCertificate } = options;
  if (trustedCertificate !== undefined && !isLoopbackUrl(options.apiEndpoint)) {
    throw new Error(
      `a self-signed certificate is only ever trusted on a loopback host, not ${options.apiEndpoint}`,
    );
  }
  const original = https.Agent;
  class MollieAgent extends original {
    constructor(agentOptions?: https.AgentOptions) {
      super({
        ...agentOptions,
        keepAlive: true,
        // Only this certificate is a trust anchor: the chain check proves the server holds its key,
        // which is the identity we pinned (a fake's certificate need not name 127.0.0.1).
        ...(trustedCertificate !== undefined && {
          ca: trustedCertificate,
          checkServerIdentity: () => undefined,
        }),
      });
    }
  }
  https.Agent = MollieAgent;
  try {
    return createMollieClient({ apiKey: options.apiKey, apiEndpoint: options.apiEndpoint });
  } finally {
    https.Agent = original;
  }
}

/**
 * The self-signed certificate a loopback HTTPS server presents, as PEM (trust on first use: only
 * ever asked of 127.0.0.0/8 or ::1). Rejects for any other host and for a certificate that is not
 * self-signed.
 */
export function fetchLoopbackCertificate(url: string, timeoutMs: number): Promise<string> {
  const endpoint = new URL(url);
  if (!isLoopbackUrl(endpoint)) {
    return Promise.reject(
      new Error(`refusing to trust the certificate of a non-loopback host: ${endpoint.host}`),
    );
  }
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: endpoint.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(endpoint.port || 443),
      // Reading the certificate is the point: it is verified by every request made with it afterwards.
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      try {
        const certificate = new X509Certificate(raw);
        if (certificate.issuer !== certificate.subject || !certificate.verify(certificate.publicKey)) {
          reject(new Error(`${endpoint.host} does not present a self-signed certificate`));
          return;
        }
        resolve(certificate.toString());
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.once('timeout', () =>
      socket.destroy(new Error(`no TLS handshake with ${endpoint.host} in ${timeoutMs} ms`)),
    );
    socket.once('error', reject);
  });
}
