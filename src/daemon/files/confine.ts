// What a client is told of a file system error, and the checks on a sandbox path that come before any file access.
// Messages name the sandbox path, never the host path: the host's layout is none of the sandbox's business.
import { DaemonError, badRequest, conflict, notFound } from '../errors.js';
import { normaliseSandboxPath, PathEscapeError } from '../../contract/paths.js';

/** A request's sandbox path, normalised; 400 for a NUL byte, which no file name can hold (and Node's own error names the host path). */
export function sandboxPathOf(sandboxPath: string): string {
  if (sandboxPath.includes('\0')) throw nulByte(sandboxPath);
  return normaliseSandboxPath(sandboxPath);
}

/** A file system error as the DaemonError a client should see, naming the sandbox path (never the host path). */
export function fileError(error: unknown, sandboxPath: string): unknown {
  if (error instanceof DaemonError || error instanceof PathEscapeError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const where = `"${shown(sandboxPath)}"`;
  switch (code) {
    case 'ENOENT':
      return notFound(`no such file or folder: ${where}`);
    case 'ENOTDIR':
      return badRequest(`${where}: a part of the path is a file, not a folder`);
    case 'EISDIR':
      return badRequest(`${where} is a folder`);
    case 'EEXIST':
      return badRequest(`${where} already exists and is not a folder`);
    case 'ELOOP':
      return badRequest(`${where}: a symlink loop, or a symlink where a file was expected`);
    case 'ENAMETOOLONG':
      return badRequest(`${where}: the path, or a name in it, is too long`);
    case 'ERR_INVALID_ARG_VALUE':
      if (sandboxPath.includes('\0')) return nulByte(sandboxPath);
      break;
    case 'ENXIO':
      // A named pipe opened to write (O_NONBLOCK) with no reader at its other end.
      return badRequest(`${where} is a named pipe, not a regular file`);
    case 'ENOTEMPTY':
      return conflict(`${where} changed while it was being removed`);
    case 'EACCES':
    case 'EPERM':
      return new DaemonError(403, `${where}: permission denied`);
  }
  // Node's message names the host path (or a /proc/self/fd path of ours): only the code goes out; the log keeps the cause.
  return new DaemonError(500, `${where}: ${code ?? 'internal error'}`, { cause: error });
}

function nulByte(sandboxPath: string): DaemonError {
  return badRequest(`path ${JSON.stringify(sandboxPath)} contains a NUL byte`);
}

function shown(sandboxPath: string): string {
  try {
    return normaliseSandboxPath(sandboxPath);
  } catch {
    return sandboxPath;
  }
}
