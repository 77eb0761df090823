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
 * The official SDK's client. The SDK builds its own `https.Agent` with its bundled CA list and
 * offers no option to trust anything else, so a local HTTPS fake with a self-signed certificate
 * cannot be trusted the ordinary way. For a loopback endpoint only, the agent the SDK builds while
 * this function runs (synchronously) is one that trusts exactly `trustedCertificate`; `https.Agent`
 * is restored before the function returns, so no other client or connection is affected.
 */
export function createMollieSdkClient(options: MollieSdkClientOptions): MollieClient {
  const { trustedCertificate } = options;
  if (trustedCertificate === undefined) {
    return createMollieClient({ apiKey: options.apiKey, apiEndpoint: options.apiEndpoint });
  }
  if (!isLoopbackUrl(options.apiEndpoint)) {
    throw new Error(
      `a self-signed certificate is only ever trusted on a loopback host, not ${options.apiEndpoint}`,
    );
  }
  const original = https.Agent;
  class PinnedCertificateAgent extends original {
    constructor(agentOptions?: https.AgentOptions) {
      // Only this certificate is a trust anchor: the chain check proves the server holds its key, which
      // is the identity we pinned (a fake's certificate need not name 127.0.0.1 to be that fake's).
      super({ ...agentOptions, ca: trustedCertificate, checkServerIdentity: () => undefined });
    }
  }
  https.Agent = PinnedCertificateAgent;
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
