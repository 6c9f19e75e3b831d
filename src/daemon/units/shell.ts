// Shell commands run as the program itself where the shell allows it, as bash does on its own for `bash -c`.

// Builtins and keywords that `exec` cannot run (there is no program of that name, or it must act in this shell).
const NOT_EXECUTABLE = new Set([
  '.', ':', '!', '{', '}', '[[', 'alias', 'break', 'case', 'cd', 'command', 'continue', 'do', 'done', 'elif', 'else',
  'esac', 'eval', 'exec', 'exit', 'export', 'fi', 'for', 'function', 'getopts', 'hash', 'if', 'local', 'read',
  'readonly', 'return', 'select', 'set', 'shift', 'source', 'then', 'time', 'times', 'trap', 'type', 'ulimit', 'umask',
  'unalias', 'unset', 'until', 'wait', 'while',
]);

// Control operators, subshells and line breaks make a command more than one program: those stay as written.
const COMPOUND = /[;&|()\n]/;

/**
 * The command for `/bin/sh -c`: `exec COMMAND` when it is one simple command, so the shell replaces itself with the
 * program. Why: dash (Debian's /bin/sh) forks for `sh -c 'node server.js'`, so the unit's pid was the shell's, not
 * the server's (the 2.x API reports the direct process), and a stop that killed the shell first left the program an
 * orphan, and where PID 1 reaps nothing, a zombie for good. Anything else (pipes, `&&`, `;`, `FOO=1 cmd`, builtins,
 * keywords) is left as written.
 */
export function execForm(command: string): string {
  const trimmed = command.trim();
  if (trimmed === '' || COMPOUND.test(trimmed)) return command;
  const first = trimmed.split(/\s+/, 1)[0] ?? '';
  if (NOT_EXECUTABLE.has(first) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) return command;
  return `exec ${trimmed}`;
}
