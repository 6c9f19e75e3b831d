// The two commands a ComputeSDK 2.x client sends for `filesystem.mkdir(path)` and `filesystem.exists(path)`.
//
// The 2.x client has no file route for these: it runs `mkdir -p PATH` and `test -e PATH` through POST /run/command,
// quoted by @computesdk/cmd's escapeArgs. In a 2.x sandbox `/` is the sandbox's own root; here a shell would take
// `/app` as the host's /app (and create it there, or fail). So exactly these two commands, in exactly that quoting,
// are carried out as file operations on the sandbox path instead. Anything else is run by the shell.

/** A 2.x filesystem command recognised in a command line. */
export interface FileCommand {
  op: 'mkdir' | 'exists';
  /** As written in the command: relative paths are relative to the command's cwd. */
  path: string;
}

// escapeArgs leaves words of these characters bare and single-quotes anything else, writing ' as '\''.
const BARE = String.raw`[a-zA-Z0-9_./:=@-]+`;
const QUOTED = String.raw`'(?:[^']|'\\'')*'`;
const FORMS: ReadonlyArray<[FileCommand['op'], RegExp]> = [
  ['mkdir', new RegExp(`^mkdir -p (${BARE}|${QUOTED})$`)],
  ['exists', new RegExp(`^test -e (${BARE}|${QUOTED})$`)],
];

/** The 2.x filesystem command this command line is, or undefined for any other command. */
export function parseFileCommand(command: string): FileCommand | undefined {
  for (const [op, form] of FORMS) {
    const word = form.exec(command)?.[1];
    if (word !== undefined) return { op, path: unquote(word) };
  }
  return undefined;
}

function unquote(word: string): string {
  return word.startsWith("'") ? word.slice(1, -1).replaceAll(String.raw`'\''`, "'") : word;
}

/** The sandbox path a command's path names, from the command's sandbox cwd; `..` is kept, for confinement to judge. */
export function commandPath(cwd: string, path: string): string {
  if (path.startsWith('/')) return path;
  return cwd.endsWith('/') ? `${cwd}${path}` : `${cwd}/${path}`;
}
