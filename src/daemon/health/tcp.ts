// TCP health probe: the port accepts a connection, and the connection is not the probe talking to itself.
import { connect } from 'node:net';
import { abortMessage, probeDeadline } from './timeout.js';

/**
 * Connects to `host:port`; ok when a listener accepts within `timeoutMs`.
 * A connection whose local address and port equal its remote ones is a TCP self-connect, NOT a listener: when
 * nothing listens on a port in the kernel's ephemeral range, the kernel may pick that very port as the probe's
 * source port, and the SYN meets itself (simultaneous open). Without this check such a unit would be reported ready.
 */
export function probeTcp(
  port: number,
  timeoutMs: number,
  host = '127.0.0.1',
  signal?: AbortSignal,
): Promise<{ ok: boolean; error?: string }> {
  const deadline = probeDeadline(timeoutMs, signal);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (result: { ok: boolean; error?: string }) => {
      deadline.clear();
      deadline.signal.removeEventListener('abort', onAbort);
      // A plain close (FIN), not a reset: a unit that does not handle ECONNRESET on an accepted socket (a bare
      // node `net` server) crashes on a reset, and a health check must never take down what it checks. The price
      // is a TIME_WAIT socket on the probe's side per probe, on an ephemeral port nobody else needs.
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, error: abortMessage(deadline.signal) });
    if (deadline.signal.aborted) return onAbort();
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      const self = socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress;
      finish(self ? { ok: false, error: `self-connect on port ${port}: nothing listens there` } : { ok: true });
    });
    // `on`, not `once`: an error after the probe has finished must not be an uncaught 'error' event.
    socket.on('error', (error) => finish({ ok: false, error: error.message }));
  });
}
