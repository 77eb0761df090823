import { createServer } from 'node:net';

/**
 * Asks the OS for a TCP port that is free right now on `host`, by listening on port 0 and closing.
 * Another process can take the port before the caller binds it; prefer passing port 0 to a server
 * you start yourself, and use this only when a port must be known before something else starts.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`freePort: unexpected listen address ${String(address)}`));
        return;
      }
      server.close((error) => (error ? reject(error) : resolve(address.port)));
    });
  });
}
