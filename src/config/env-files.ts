// Reading .env files: the one used for interpolation, and every unit's env_file, each read and parsed once.
import { readFile } from 'node:fs/promises';
import { parseDotenv } from './dotenv.js';
import { Source, type Diagnostics } from './source.js';

/** A .env file as read: its variables, or why there are none. Parse problems are reported where they are. */
export type EnvFile = { vars: Record<string, string> } | { missing: true } | { unreadable: string };

/** Reads and parses each file once (concurrently); problems inside a file are reported at its own lines. */
export async function readEnvFiles(paths: Iterable<string>, diags: Diagnostics): Promise<Map<string, EnvFile>> {
  const unique = [...new Set(paths)];
  const read = await Promise.all(unique.map((path) => readEnvFile(path, diags)));
  return new Map(unique.map((path, i) => [path, read[i] as EnvFile]));
}

async function readEnvFile(path: string, diags: Diagnostics): Promise<EnvFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
    return { unreadable: code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? String(error)})` };
  }
  const { vars, problems } = parseDotenv(text);
  const source = new Source(path, text);
  for (const problem of problems) diags.error({ source, offset: problem.offset }, problem.message);
  return { vars };
}
