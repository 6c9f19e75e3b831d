// Closing an http.Server without waiting on idle clients: Node's closeIdleConnections() leaves out connections
// that have not sent a request yet (a client pool opens some ahead of need), and those held server.close() open.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Tracks the server's connections; the returned function closes it, ending idle connections now and busy ones after their reply. */
export function trackConnections(server: Server): () => Promise<void> {
  const inFlight = new Map<Socket, number>();
  let closing = false;
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      // 'close' comes after 'finish', when the reply has been handed to the kernel, so nothing is cut off.
      if (closing && left === 0) socket.destroy();
    });
  });
  return () =>
    new Promise((resolve) => {
      closing = true;
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const [socket, count] of inFlight) if (count === 0) socket.destroy();
    });
}
