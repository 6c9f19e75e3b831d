// The files operations on real folders: symlinks inside the root are followed by hand, every way out is refused, and
// errors name the sandbox path, never the host path.
import { existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFolder, makeFolder, pathExists, readText, removePath, statPath, writeText } from '../../../src/daemon/files/ops.js';
import { tempDir } from '../../helpers/tmp.js';
import { startTestDaemon } from '../http/harness.js';

const SECRET = 'the host secret';

function folders(): { root: string; outside: string } {
  const root = tempDir('compute-ops-root-');
  const outside = tempDir('compute-ops-outside-');
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  mkdirSync(join(root, 'app', 'src'), { recursive: true });
  writeFileSync(join(root, 'app', 'src', 'a.txt'), 'a');
  return { root, outside };
}

describe('files operations through symlinks inside the root', () => {
  it('follow relative, absolute and `..` links for every operation', async () => {
    const { root } = folders();
    symlinkSync('app/src', join(root, 'rel'));
    symlinkSync(join(root, 'app'), join(root, 'abs'));
    symlinkSync('../app/src/a.txt', join(root, 'app', 'up'));
    symlinkSync('rel', join(root, 'chain'));
    expect((await readText(root, '/rel/a.txt')).content).toBe('a');
    expect((await readText(root, '/abs/src/a.txt')).content).toBe('a');
    expect((await readText(root, '/app/up')).content).toBe('a');
    expect((await readText(root, '/chain/a.txt')).content).toBe('a');
    expect((await listFolder(root, '/rel')).files.map((file) => file.name)).toEqual(['a.txt']);
    expect(await statPath(root, '/abs')).toMatchObject({ path: '/abs', is_dir: true });
    expect(await writeText(root, '/abs/src/new/b.txt', 'b')).toMatchObject({ created: true, file: { path: '/abs/src/new/b.txt' } });
    expect(readFileSync(join(root, 'app', 'src', 'new', 'b.txt'), 'utf8')).toBe('b');
    expect(await makeFolder(root, '/rel/made/deeper')).toMatchObject({ is_dir: true });
    expect(existsSync(join(root, 'app', 'src', 'made', 'deeper'))).toBe(true);
  });

  it('writes and makes folders through a dangling link whose target stays inside', async () => {
    const { root } = folders();
    symlinkSync('app/later', join(root, 'later'));
    symlinkSync('app/file.txt', join(root, 'file'));
    await makeFolder(root, '/later/x');
    expect(existsSync(join(root, 'app', 'later', 'x'))).toBe(true);
    expect((await writeText(root, '/file', 'f')).created).toBe(true);
    expect(readFileSync(join(root, 'app', 'file.txt'), 'utf8')).toBe('f');
    expect(readlinkSync(join(root, 'file'))).toBe('app/file.txt');
  });

  it('answers 404 for a dangling link and 400 for a loop', async () => {
    const { root } = folders();
    symlinkSync('app/none', join(root, 'dangling'));
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    await expect(readText(root, '/dangling')).rejects.toMatchObject({ status: 404, message: '"/dangling" is a symlink to nothing' });
    expect(await pathExists(root, '/dangling')).toBe(false);
    await expect(readText(root, '/loop-a')).rejects.toMatchObject({ status: 400, message: '"/loop-a": a symlink loop, or a symlink where a file was expected' });
    await expect(writeText(root, '/loop-a/x', 'x')).rejects.toMatchObject({ status: 400, message: '"/loop-a/x": a symlink loop, or a symlink where a file was expected' });
  });
});

describe('files operations never leave the root', () => {
  it('refuse links out by `..`, by an absolute path and through a chain', async () => {
    const { root, outside } = folders();
    symlinkSync('../..', join(root, 'app', 'up2'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'abs'));
    symlinkSync('abs', join(root, 'chain'));
    for (const path of ['/app/up2', '/abs', '/chain']) {
      await expect(readText(root, path)).rejects.toMatchObject({ message: `path "${path}" leaves the sandbox root through a symlink` });
      await expect(writeText(root, path, 'x')).rejects.toMatchObject({ message: `path "${path}" leaves the sandbox root through a symlink` });
    }
    await expect(listFolder(root, '/app/up2')).rejects.toMatchObject({ message: 'path "/app/up2" leaves the sandbox root through a symlink' });
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
  });

  it('removes a folder holding a link out of the root without touching the link\'s target', async () => {
    const { root, outside } = folders();
    symlinkSync(outside, join(root, 'app', 'src', 'out'));
    await removePath(root, '/app');
    expect(existsSync(join(root, 'app'))).toBe(false);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
  });
});

describe('paths no file can have', () => {
  it('answers 400 for a NUL byte or an over-long name, naming the sandbox path and not the host root', async () => {
    const { root } = folders();
    const long = `/app/${'x'.repeat(300)}`;
    const attempts: Array<[string, () => Promise<unknown>, string]> = [
      ['/app/a\0b', () => readText(root, '/app/a\0b'), 'path "/app/a\\u0000b" contains a NUL byte'],
      ['/app/a\0b', () => writeText(root, '/app/a\0b', 'x'), 'path "/app/a\\u0000b" contains a NUL byte'],
      ['/app/a\0b', () => removePath(root, '/app/a\0b'), 'path "/app/a\\u0000b" contains a NUL byte'],
      [long, () => readText(root, long), `"${long}": the path, or a name in it, is too long`],
      [long, () => writeText(root, long, 'x'), `"${long}": the path, or a name in it, is too long`],
      [long, () => makeFolder(root, `${long}/y`), `"${long}/y": the path, or a name in it, is too long`],
      [long, () => statPath(root, long), `"${long}": the path, or a name in it, is too long`],
      [long, () => listFolder(root, long), `"${long}": the path, or a name in it, is too long`],
      [long, () => removePath(root, long), `"${long}": the path, or a name in it, is too long`],
    ];
    for (const [path, attempt, message] of attempts) {
      const error = await attempt().then(() => undefined, (caught: unknown) => caught as { status: number; message: string });
      expect(error, path).toMatchObject({ status: 400, message });
      expect(error!.message).not.toContain(root);
    }
  });

  it('answers them over HTTP with 400 and no host path', async () => {
    const { http, root } = await startTestDaemon();
    const long = `/${'y'.repeat(300)}`;
    const replies = [
      await http.call('POST', '/files', { path: '/a\0b', content: 'x' }),
      await http.call('GET', '/files/a%00b?content=true'),
      await http.call('POST', '/v1/files/mkdir', { path: '/a\0b' }),
      await http.call('POST', '/files', { path: long, content: 'x' }),
      await http.call('GET', `/files${long}?content=true`),
      await http.call('HEAD', `/files${long}`),
      await http.call('DELETE', `/files${long}`),
    ];
    for (const reply of replies) {
      expect(reply.status).toBe(400);
      expect(reply.text).not.toContain(root);
    }
    expect(replies[0]!.json.error).toBe('path "/a\\u0000b" contains a NUL byte');
    expect(replies[4]!.json.error).toBe(`"${long}": the path, or a name in it, is too long`);
  });
});
