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
        // Either side closing or failing closes the pair, as a real server going away would.
        const closeBoth = () => {
          client.destroy();
          upstream.destroy();
        };
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => {
            sockets.delete(socket);
            closeBoth();
          });
          socket.on('error', closeBoth);
        }
        // A FIN from either side closes both at once; piping the end through instead left a
        // half-closed pair behind after a Redis QUIT, which kept the test process busy.
        client.pipe(upstream, { end: false });
        upstream.pipe(client, { end: false });
        client.on('end', closeBoth);
        upstream.on('end', closeBoth);
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
