import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port clients connect to instead of the target's. */
  readonly port: number;
  /** Takes the target "down": open connections are reset and new ones refused. */
  cut(): Promise<void>;
  /** Brings it back on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a real server (PostgreSQL, Redis, a Kafka broker), for outage tests that
 * must not stop the shared server itself: clients talk to the proxy, and `cut()` makes the server
 * look gone to them alone.
 */
export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const next = createServer((client) => {
        const upstream = connect({ host, port: target.port });
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      next.once('error', reject);
      next.listen({ port, host: '127.0.0.1' }, () => {
        server = next;
        resolve((next.address() as { port: number }).port);
      });
    });

  const stopListening = async (): Promise<void> => {
    const current = server;
    server = undefined;
    for (const socket of sockets) {
      socket.resetAndDestroy();
    }
    sockets.clear();
    await new Promise<void>((resolve) => (current ? current.close(() => resolve()) : resolve()));
  };

  const port = await listen(0);
  return {
    port,
    cut: stopListening,
    restore: async () => {
      if (!server) {
        await listen(port);
      }
    },
    close: stopListening,
  };
}
