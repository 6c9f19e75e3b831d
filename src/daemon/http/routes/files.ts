// The 2.x files API (computesdk@2.5.4's listFiles, createFile/writeFile, getFile/readFile, deleteFile, checkFileExists),
// and POST /v1/files/mkdir, ours. Every path is a sandbox path confined to the root (403 when it would leave it).
import { badRequest } from '../../errors.js';
import { normaliseSandboxPath } from '../../../contract/paths.js';
import { listFolder, makeFolder, readText, removePath, statPath, writeText } from '../../files/ops.js';
import { ok } from '../respond.js';
import type { Route } from '../router.js';
import type { FileWrite } from '../../../contract/wire.js';
import { validateBody } from '../validate.js';
import { parseFlag } from './common.js';

/** GET/POST /files, GET/HEAD/DELETE /files/<path>, POST /v1/files/mkdir. */
export const fileRoutes: Route[] = [
  {
    method: 'GET',
    path: '/files',
    async handler({ query, deps: { supervisor } }) {
      const path = query.get('path') ?? '/';
      if (path === '') throw badRequest('files: "path" must be a non-empty sandbox path');
      return ok('Files listed', await listFolder(supervisor.root, path));
    },
  },
  {
    method: 'POST',
    path: '/files',
    async handler({ body, deps: { supervisor } }) {
      const request = await validateBody<FileWrite>('file', await body());
      const { file, created } = await writeText(supervisor.root, request.path, request.content ?? '');
      return ok(created ? 'File created' : 'File written', { file }, created ? 201 : 200);
    },
  },
  {
    method: 'GET',
    path: '/files/*path',
    async handler({ params, query, deps: { supervisor } }) {
      const path = params.path ?? '';
      if (!parseFlag(query, 'content')) return ok('File retrieved', { file: await statPath(supervisor.root, path) });
      return ok('File retrieved', await readText(supervisor.root, path));
    },
  },
  {
    method: 'HEAD',
    path: '/files/*path',
    async handler({ params, deps: { supervisor } }) {
      await statPath(supervisor.root, params.path ?? '');
      return { status: 200 };
    },
  },
  {
    method: 'DELETE',
    path: '/files/*path',
    async handler({ params, deps: { supervisor } }) {
      const path = normaliseSandboxPath(params.path ?? '');
      await removePath(supervisor.root, path);
      return ok('File deleted', { path });
    },
  },
  {
    method: 'POST',
    path: '/v1/files/mkdir',
    async handler({ body, deps: { supervisor } }) {
      const request = await validateBody<{ path: string }>('folder', await body());
      return ok('Folder created', { file: await makeFolder(supervisor.root, request.path) });
    },
  },
];
