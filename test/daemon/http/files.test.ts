// The 2.x files API over the daemon's unix socket: write, read, list, stat, HEAD, delete, and every way out of the root.
import { existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../../../src/sdk/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { startTestDaemon } from './harness.js';

const SECRET = 'the host secret';

/** A folder outside the sandbox root with a file in it, as a target for escapes. */
function outside(): { dir: string; file: string } {
  const dir = tempDir('compute-outside-');
  const file = join(dir, 'secret.txt');
  writeFileSync(file, SECRET);
  return { dir, file };
}

describe('files API', () => {
  it('writes (creating parent folders), reads, stats, lists, checks and deletes files by sandbox path', async () => {
    const { http, root } = await startTestDaemon();
    const created = await http.call('POST', '/files', { path: '/app/src/index.js', content: 'console.log("hé")\n' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 'success', message: 'File created' });
    const file = created.json.data.file;
    expect(file).toMatchObject({ name: 'index.js', path: '/app/src/index.js', size: 19, is_dir: false });
    expect(Number.isNaN(Date.parse(file.modified_at))).toBe(false);
    expect(readFileSync(join(root, 'app', 'src', 'index.js'), 'utf8')).toBe('console.log("hé")\n');

    const replaced = await http.call('POST', '/files', { path: 'app/src/index.js', content: 'v2' });
    expect(replaced).toMatchObject({ status: 200, json: { message: 'File written', data: { file: { path: '/app/src/index.js', size: 2 } } } });
    expect((await http.call('POST', '/files', { path: '/app/empty' })).json.data.file.size).toBe(0);

    const read = await http.call('GET', '/files/app/src/index.js?content=true');
    expect(read.json.data).toMatchObject({ content: 'v2', file: { name: 'index.js', size: 2 } });
    const stat = await http.call('GET', '/files/app/src/index.js');
    expect(stat.json.data.content).toBeUndefined();
    expect(stat.json.data.file).toMatchObject({ path: '/app/src/index.js', is_dir: false });

    const list = await http.call('GET', `/files?${new URLSearchParams({ path: '/app' })}`);
    expect(list.json.data).toMatchObject({ path: '/app', files: [{ name: 'empty', is_dir: false }, { name: 'src', path: '/app/src', is_dir: true, size: 0 }] });
    expect((await http.call('GET', '/files')).json.data).toMatchObject({ path: '/', files: [{ name: 'app', is_dir: true }] });

    expect((await http.call('HEAD', '/files/app/src/index.js')).status).toBe(200);
    expect((await http.call('HEAD', '/files/app/nope')).status).toBe(404);
    expect(await http.call('DELETE', '/files/app/src')).toMatchObject({ status: 200, json: { message: 'File deleted', data: { path: '/app/src' } } });
    expect(existsSync(join(root, 'app', 'src'))).toBe(false);
    expect((await http.call('HEAD', '/files/app/src/index.js')).status).toBe(404);
  });

  it('decodes each segment of /files/<path>, as the 2.x client encodes it', async () => {
    const { http, root } = await startTestDaemon();
    await http.call('POST', '/files', { path: '/my docs/a&b?.txt', content: 'odd' });
    expect(readFileSync(join(root, 'my docs', 'a&b?.txt'), 'utf8')).toBe('odd');
    expect((await http.call('GET', '/files/my%20docs/a%26b%3F.txt?content=true')).json.data.content).toBe('odd');
  });

  it('serves the SDK client\'s filesystem methods', async () => {
    const { daemon, root } = await startTestDaemon();
    const sdk = connect({ socketPath: daemon.socketPath });
    try {
      expect(await sdk.filesystem.mkdir('/app/data')).toMatchObject({ path: '/app/data', is_dir: true });
      expect(await sdk.filesystem.writeFile('/app/data/x.txt', 'hello')).toMatchObject({ path: '/app/data/x.txt', size: 5 });
      expect(await sdk.filesystem.readFile('/app/data/x.txt')).toBe('hello');
      expect((await sdk.filesystem.readdir('/app/data')).map((f) => f.name)).toEqual(['x.txt']);
      expect(await sdk.filesystem.exists('/app/data/x.txt')).toBe(true);
      expect(await sdk.filesystem.exists('/app/data/y.txt')).toBe(false);
      await sdk.filesystem.remove('/app/data/x.txt');
      expect(existsSync(join(root, 'app', 'data', 'x.txt'))).toBe(false);
      await expect(sdk.filesystem.exists('../../etc')).rejects.toMatchObject({ status: 400 });
      await expect(sdk.filesystem.readFile('/app/data/x.txt')).rejects.toMatchObject({ status: 404, message: 'no such file or folder: "/app/data/x.txt"' });
    } finally {
      await sdk.close();
    }
  });

  it.each([
    ['bad JSON', 'POST', '/files', '{"path"', 400, /^invalid JSON in request body: ./],
    ['no path', 'POST', '/files', { content: 'x' }, 400, 'files: "path" is required'],
    ['a wrong content type', 'POST', '/files', { path: '/a', content: 3 }, 400, 'files: "content" must be a string'],
    ['an empty path', 'POST', '/files', { path: '' }, 400, 'files: "path" must be a non-empty sandbox path'],
    ['writing the root', 'POST', '/files', { path: '/' }, 400, '"/" is the sandbox root folder, not a file'],
    ['an unknown file', 'GET', '/files/nope.txt?content=true', undefined, 404, 'no such file or folder: "/nope.txt"'],
    ['listing an unknown folder', 'GET', '/files?path=/nope', undefined, 404, 'no such file or folder: "/nope"'],
    ['deleting an unknown file', 'DELETE', '/files/nope', undefined, 404, 'no such file or folder: "/nope"'],
    ['deleting the root', 'DELETE', '/files/%2F', undefined, 400, 'the sandbox root "/" itself cannot be removed'],
    ['a bad content flag', 'GET', '/files/x?content=maybe', undefined, 400, '"content" must be 1 or 0 (got "maybe")'],
    ['a bad folder body', 'POST', '/v1/files/mkdir', { path: '/a', mode: 1 }, 400, 'files: unknown field "mode"'],
  ])('answers %s with its status and message', async (_what, method, path, body, status, message) => {
    const { http } = await startTestDaemon();
    const reply = await http.call(method, path, body);
    expect(reply.status).toBe(status);
    if (message instanceof RegExp) expect(reply.json.error).toMatch(message);
    else expect(reply.json.error).toBe(message);
  });

  it('answers 400 for reading a folder, listing a file, writing over a folder and a path through a file', async () => {
    const { http, root } = await startTestDaemon();
    mkdirSync(join(root, 'dir'));
    writeFileSync(join(root, 'file'), 'x');
    const cases: Array<[string, string, object | undefined, string]> = [
      ['GET', '/files/dir?content=true', undefined, '"/dir" is a folder: list it with GET /files?path=%2Fdir'],
      ['GET', '/files?path=/file', undefined, '"/file" is not a folder'],
      ['POST', '/files', { path: '/dir', content: 'x' }, '"/dir" is a folder'],
      ['POST', '/files', { path: '/file/inner', content: 'x' }, '"/file/inner": a part of the path is a file, not a folder'],
      ['POST', '/v1/files/mkdir', { path: '/file' }, '"/file" already exists and is not a folder'],
    ];
    for (const [method, path, body, message] of cases) {
      const reply = await http.call(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(400);
      expect(reply.json.error).toBe(message);
    }
  });
});

describe('files API confinement', () => {
  it('refuses a symlink in the root that points outside it, for every operation, and deletes only the link', async () => {
    const { http, root } = await startTestDaemon();
    const { dir, file } = outside();
    symlinkSync(dir, join(root, 'link'));
    const message = (path: string) => `path "${path}" leaves the sandbox root through a symlink`;
    const attempts: Array<[string, string, object | undefined, string]> = [
      ['GET', '/files/link/secret.txt?content=true', undefined, message('/link/secret.txt')],
      ['GET', '/files/link/secret.txt', undefined, message('/link/secret.txt')],
      ['GET', '/files?path=/link', undefined, message('/link')],
      ['POST', '/files', { path: '/link/secret.txt', content: 'overwritten' }, message('/link/secret.txt')],
      ['POST', '/files', { path: '/link/new.txt', content: 'planted' }, message('/link/new.txt')],
      ['POST', '/v1/files/mkdir', { path: '/link/sub' }, message('/link/sub')],
      ['DELETE', '/files/link/secret.txt', undefined, message('/link')],
    ];
    for (const [method, path, body, error] of attempts) {
      const reply = await http.call(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(403);
      expect(reply.json.error).toBe(error);
      expect(reply.text).not.toContain(SECRET);
    }
    expect((await http.call('HEAD', '/files/link/secret.txt')).status).toBe(403);
    expect(readFileSync(file, 'utf8')).toBe(SECRET);
    expect(existsSync(join(dir, 'new.txt'))).toBe(false);
    expect(existsSync(join(dir, 'sub'))).toBe(false);

    expect((await http.call('DELETE', '/files/link')).status).toBe(200);
    expect(existsSync(join(root, 'link'))).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(SECRET);
  });

  it('does not write through a dangling symlink to outside the root, but does through one that stays inside', async () => {
    const { http, root } = await startTestDaemon();
    const { dir } = outside();
    symlinkSync(join(dir, 'planted.txt'), join(root, 'out'));
    const reply = await http.call('POST', '/files', { path: '/out', content: 'x' });
    expect(reply).toMatchObject({ status: 403, json: { error: 'path "/out" leaves the sandbox root through a symlink' } });
    expect(existsSync(join(dir, 'planted.txt'))).toBe(false);
    expect((await http.call('GET', '/files/out?content=true')).status).toBe(404);

    mkdirSync(join(root, 'conf'));
    symlinkSync('real.conf', join(root, 'conf', 'current'));
    expect((await http.call('POST', '/files', { path: '/conf/current', content: 'inside' })).status).toBe(201);
    expect(readFileSync(join(root, 'conf', 'real.conf'), 'utf8')).toBe('inside');
    expect(readlinkSync(join(root, 'conf', 'current'))).toBe('real.conf');
  });

  it('refuses ../ in a path parameter or body with 403, and in the URL path (plain or %2e-encoded) with 400', async () => {
    const { http } = await startTestDaemon();
    const forbidden: Array<[string, string, object | undefined, string]> = [
      ['GET', `/files?${new URLSearchParams({ path: '../../etc' })}`, undefined, 'path "../../etc" escapes the sandbox root'],
      ['POST', '/files', { path: '/app/../../x', content: 'x' }, 'path "/app/../../x" escapes the sandbox root'],
      ['POST', '/v1/files/mkdir', { path: '../x' }, 'path "../x" escapes the sandbox root'],
      ['GET', '/files/..%2F..%2Fetc%2Fpasswd?content=true', undefined, 'path "../../etc/passwd" escapes the sandbox root'],
      ['DELETE', '/files/%2E%2E%2Fx', undefined, 'path "../x" escapes the sandbox root'],
    ];
    for (const [method, path, body, error] of forbidden) {
      const reply = await http.call(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(403);
      expect(reply.json.error).toBe(error);
    }
    for (const path of ['/files/../../etc/passwd?content=true', '/files/%2e%2e/%2E%2E/etc/passwd', '/files/app/./x']) {
      const reply = await http.call('GET', path);
      expect(reply.status, path).toBe(400);
      expect(reply.json.error).toBe(`the request path must not contain "." or ".." segments (got "${path.split('?')[0]}")`);
    }
  });

  it('takes an absolute host path as a sandbox path, never the host file', async () => {
    const { http, root } = await startTestDaemon();
    const { file } = outside();
    const read = await http.call('GET', `/files${file}?content=true`);
    expect(read).toMatchObject({ status: 404, json: { error: `no such file or folder: "${file}"` } });
    expect(read.text).not.toContain(SECRET);
    const written = await http.call('POST', '/files', { path: file, content: 'sandboxed' });
    expect(written.status).toBe(201);
    expect(readFileSync(file, 'utf8')).toBe(SECRET);
    expect(readFileSync(join(root, file), 'utf8')).toBe('sandboxed');
  });
});
