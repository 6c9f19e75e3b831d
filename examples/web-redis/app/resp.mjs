// A minimal Redis client over raw TCP: sends commands in RESP (the Redis protocol) and parses the replies.
// Enough for this example; a real app would use a client library.
import { connect } from 'node:net';

/** Encodes a command as a RESP array of bulk strings: ['SET', 'k', 'v'] → *3\r\n$3\r\nSET\r\n... */
export function encode(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const text = String(arg);
    out += `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  }
  return out;
}

/**
 * Parses one reply from `buf` at `at`. Returns { value, next } or undefined when more bytes are needed.
 * Simple strings (+), errors (-), integers (:), bulk strings ($, -1 is null) and arrays (*).
 */
export function parse(buf, at = 0) {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[at]);
  const line = buf.toString('utf8', at + 1, eol);
  const after = eol + 2;
  switch (type) {
    case '+':
      return { value: line, next: after };
    case '-':
      return { value: new Error(line), next: after };
    case ':':
      return { value: Number(line), next: after };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next: after };
      if (buf.length < after + length + 2) return undefined;
      return { value: buf.toString('utf8', after, after + length), next: after + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: after };
      const items = [];
      let next = after;
      for (let i = 0; i < count; i += 1) {
        const item = parse(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP reply type ${JSON.stringify(type)}`);
  }
}

/** Opens a connection to Redis; `command(...args)` sends one command and resolves with its reply. */
export function createClient({ host = '127.0.0.1', port = 6379 } = {}) {
  const socket = connect({ host, port });
  const waiting = [];
  let buffer = Buffer.alloc(0);
  const ready = new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let reply = parse(buffer); reply; reply = parse(buffer)) {
      buffer = buffer.subarray(reply.next);
      const { resolve, reject } = waiting.shift();
      if (reply.value instanceof Error) reject(reply.value);
      else resolve(reply.value);
    }
  });
  // Replies come back in the order commands were sent, so a queue of pending promises is all we need.
  const fail = (error) => {
    for (const { reject } of waiting.splice(0)) reject(error);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('connection to redis closed')));
  return {
    async command(...args) {
      await ready;
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        socket.write(encode(args));
      });
    },
    close() {
      socket.end();
    },
  };
}
