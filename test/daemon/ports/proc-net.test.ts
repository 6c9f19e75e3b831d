// parseProcNetTcp against real /proc/net/tcp{,6} captures: listeners only, IPv4 and IPv6, any other state skipped.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listeningSockets, parseProcNetTcp } from '../../../src/daemon/ports/index.js';

// Captured on Linux 6.18 with a node process listening on 127.0.0.1:42631, 0.0.0.0:38223, [::1]:39141 and
// [::]:36091, plus a system listener on 0.0.0.0:2024, with established connections to them (state 01, whose local
// port is the listener's own) and TIME_WAIT rows (state 06, inode 0) of closed ones.
const sample = (name: string) => readFileSync(new URL(`samples/${name}`, import.meta.url), 'utf8');

describe('parseProcNetTcp', () => {
  it.each([
    {
      name: 'tcp.txt',
      expected: [
        { port: 42631, inode: 128029 },
        { port: 38223, inode: 128032 },
        { port: 2024, inode: 1049 },
      ],
    },
    {
      name: 'tcp6.txt',
      expected: [
        { port: 39141, inode: 128031 },
        { port: 36091, inode: 128030 },
      ],
    },
  ])('reads only the listening rows of $name', ({ name, expected }) => {
    expect(parseProcNetTcp(sample(name))).toEqual(expected);
  });

  it.each([
    { what: 'empty text', text: '' },
    { what: 'a header alone', text: sample('tcp.txt').split('\n')[0] ?? '' },
    { what: 'a truncated row', text: '   0: 0100007F:A687' },
    { what: 'an established row', text: '   3: 0100007F:D284 0100007F:A687 01 00000000:00000000 00:00000000 00000000     0        0 128033 2' },
    { what: 'a TIME_WAIT row', text: '   4: 0100007F:EAC0 0100007F:954F 06 00000000:00000000 03:0000175B 00000000     0        0 0 3' },
  ])('finds no listener in $what', ({ text }) => {
    expect(parseProcNetTcp(text)).toEqual([]);
  });

  it('reads a row without its trailing columns and with CRLF line ends', () => {
    const text = '  sl  local_address rem_address   st\r\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000  0 4242\r\n';
    expect(parseProcNetTcp(text)).toEqual([{ port: 8080, inode: 4242 }]);
  });
});

describe('listeningSockets', () => {
  it('sees a listener of this very process', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      expect((await listeningSockets()).map((s) => s.port)).toContain(port);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
