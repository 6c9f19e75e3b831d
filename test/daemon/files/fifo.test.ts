// Named pipes and devices in the sandbox: reading one waited for a writer forever and hung the request (issue 13).
// They are opened without blocking and refused with a 400 that says what they are.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readText, writeText } from '../../../src/daemon/files/ops.js';
import { tempDir } from '../../helpers/tmp.js';
import { startTestDaemon } from '../http/harness.js';

function fifoIn(root: string, name = 'pipe'): string {
  const path = join(root, name);
  execFileSync('mkfifo', [path]);
  return path;
}

describe('files operations on what is not a regular file', () => {
  it('refuse to read a named pipe, at once, with a 400', async () => {
    const root = tempDir();
    fifoIn(root);
    await expect(readText(root, '/pipe')).rejects.toMatchObject({ status: 400, message: '"/pipe" is a named pipe, not a regular file' });
  });

  it('refuse to read a device reached through a symlink inside the root', async () => {
    const root = tempDir();
    execFileSync('mknod', [join(root, 'null'), 'c', '1', '3']);
    symlinkSync('null', join(root, 'link'));
    await expect(readText(root, '/link')).rejects.toMatchObject({ status: 400, message: '"/link" is a device, not a regular file' });
  });

  it('refuse to write a named pipe, whether or not a reader holds its other end', async () => {
    const root = tempDir();
    const pipe = fifoIn(root);
    await expect(writeText(root, '/pipe', 'x')).rejects.toMatchObject({ status: 400, message: '"/pipe" is a named pipe, not a regular file' });
    // A reader at the other end: the open succeeds, and fstat refuses it before anything is written.
    const reader = openSync(pipe, constants.O_RDONLY | constants.O_NONBLOCK);
    onTestFinished(() => closeSync(reader));
    await expect(writeText(root, '/pipe', 'x')).rejects.toMatchObject({ status: 400, message: '"/pipe" is a named pipe, not a regular file' });
    // Nothing was written into the pipe (with no writer left, an empty pipe reads as its end).
    expect(readSync(reader, Buffer.alloc(1))).toBe(0);
  });

  it('answer a read of a named pipe through the HTTP API with a 400, not a hang', async () => {
    const { http, root } = await startTestDaemon();
    fifoIn(root);
    const reply = await http.call('GET', '/files/pipe?content=true');
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toMatchObject({ error: '"/pipe" is a named pipe, not a regular file' });
  });
});
