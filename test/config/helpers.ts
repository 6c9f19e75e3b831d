// Shared by the config and CLI tests: a CliIO that records what a command prints, and files written for a test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CliIO } from '../../src/cli/io.js';

/** A CliIO that keeps stdout and stderr as strings. */
export function captureIO(cwd: string, env: Record<string, string | undefined> = {}): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    isTTY: false,
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}

/** Writes files (path relative to `dir` → content), creating folders; returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}
