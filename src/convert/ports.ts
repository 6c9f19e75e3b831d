// The port a process listens on, from compose's `ports`/`expose` entries: the container side of each mapping.

/** The first port that is a plain number, and the entries that did not fit (every other one, as written). */
export function parsePorts(entries: readonly unknown[]): { port?: number; rest: string[] } {
  let port: number | undefined;
  const rest: string[] = [];
  for (const entry of entries) {
    const container = containerPort(entry);
    if (port === undefined && container !== undefined) {
      port = container;
      // A range gives its first port; the others are noted.
      if (typeof entry === 'string' && /-\d+(\/tcp)?$/.test(entry)) rest.push(`the rest of ${entry}`);
    } else {
      rest.push(describe(entry));
    }
  }
  return port === undefined ? { rest } : { port, rest };
}

/**
 * The container side of `3000`, `"8080:80"`, `"127.0.0.1:8080:80/tcp"`, `"3000-3005"` (its first port) or the long
 * form `{target: 80, published: 8080}`; undefined when it is not a literal port (a variable, a UDP port).
 */
export function containerPort(entry: unknown): number | undefined {
  if (typeof entry === 'number') return valid(entry);
  if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
    const long = entry as Record<string, unknown>;
    if (long.protocol === 'udp') return undefined;
    return valid(Number(long.target));
  }
  if (typeof entry !== 'string') return undefined;
  const [spec, protocol] = entry.split('/');
  if (protocol !== undefined && protocol !== 'tcp') return undefined;
  const container = (spec ?? '').split(':').at(-1) ?? '';
  const match = /^(\d+)(?:-\d+)?$/.exec(container);
  return match ? valid(Number(match[1])) : undefined;
}

function valid(port: number): number | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

function describe(entry: unknown): string {
  return typeof entry === 'object' && entry !== null ? JSON.stringify(entry) : String(entry);
}
