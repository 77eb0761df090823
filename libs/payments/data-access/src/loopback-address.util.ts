import { isIP } from 'node:net';

/**
 * Whether a URL's host is a loopback IP literal (127.0.0.0/8 or ::1). Names such as `localhost`
 * are not: what a name resolves to is up to the machine's resolver, not to the URL.
 */
export function isLoopbackUrl(url: string | URL): boolean {
  const host = (typeof url === 'string' ? new URL(url) : url).hostname.replace(/^\[(.*)\]$/, '$1');
  switch (isIP(host)) {
    case 4:
      return host.split('.')[0] === '127';
    case 6:
      return host === '::1' || host === '0:0:0:0:0:0:0:1';
    default:
      return false;
  }
}
