// `compute convert FILE`: a docker compose file, Procfile or process-compose file as an equivalent compute.yaml.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { convert, ConvertError, FORMATS, type Format } from '../../convert/index.js';
import { parseCommandArgs } from '../args.js';
import { CLIError, EXIT } from '../errors.js';
import type { Command } from '../io.js';

const HELP = `Usage: compute convert FILE [-o OUTPUT] [--from compose|process-compose|procfile]

Reads a docker compose file (docker-compose.yml, compose.yaml), a Procfile or a process-compose.yaml
and prints an equivalent compute.yaml. What has no equivalent (images, builds, volumes, networks,
liveness probes, ...) is kept as a "# not converted: ..." comment beside its unit.
Units with a port or an HTTP health check become servers, the others services.

Options:
  -o, --output FILE   write the result to FILE instead of stdout (relative env_file paths follow it)
  --from FORMAT       the input's format, when its name and content do not tell
  -h, --help          show this help

Check the result with \`compute validate -f OUTPUT\`.
`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  from: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Converts one file; exit 0 with the compute.yaml on stdout (or in -o), 2 when the file cannot be read or converted. */
export const run: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs('convert', args, OPTIONS, true);
  if (values.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new CLIError(`convert: expected one FILE to convert, got ${positionals.length} (compute convert --help)`);
  const input = resolve(io.cwd, positionals[0] as string);
  const format = parseFormat(values.from);
  const text = await readFile(input, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CLIError(error.code === 'ENOENT' ? `no such file: ${positionals[0]}` : `cannot read ${positionals[0]}: ${error.message}`);
  });
  const output = values.output === undefined ? undefined : resolve(io.cwd, values.output);
  // Relative host paths are relative to the file that names them: to the output's folder, or where it runs.
  const outDir = output ? dirname(output) : io.cwd;
  const rebase = (path: string) => (isAbsolute(path) ? path : relative(outDir, resolve(dirname(input), path)) || '.');
  let yaml: string;
  try {
    yaml = convert(text, positionals[0] as string, { ...(format ? { format } : {}), rebase }).yaml;
  } catch (error) {
    if (error instanceof ConvertError) throw new CLIError(error.message);
    throw error;
  }
  if (!output) {
    io.stdout(yaml);
    return EXIT.ok;
  }
  await writeFile(output, yaml);
  io.stderr(`wrote ${values.output}\n`);
  return EXIT.ok;
};

function parseFormat(value: string | undefined): Format | undefined {
  if (value === undefined) return undefined;
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new CLIError(`Expected --from to be one of ${FORMATS.join(', ')}, got "${value}"`);
}
