// Overlays into a provider sandbox, whose daemon cannot read this machine's folders: each overlay's source is mirrored
// by upload into a staging folder in the sandbox, and the daemon's own overlay (create, sync, manifest, units waiting
// for it) works from there. The same sync operations (contract/sync.ts) drive both: applied to the staging folder
// with the bytes read here, then handed to the daemon unchanged, which applies them from staging to the target.
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OverlayRecord, OverlaySpec } from '../contract/overlay.js';
import { SMART_SYMLINK_DIRS } from '../contract/overlay-rules.js';
import type { Spec } from '../contract/spec.js';
import { syncOperations, type SyncOp } from '../contract/sync.js';
import type { OverlayCreate } from '../contract/wire.js';
import type { SandboxClient } from '../sdk/index.js';
import { scanSource } from './scan.js';

/** The label that keeps an overlay's host source on its record (the daemon's `source` is the staging folder). */
export const HOST_SOURCE_LABEL = 'compute.host-source';

/** Base64 characters per upload batch (the daemon takes bodies up to 8 MiB). */
const BATCH_CHARS = 3 * 1024 * 1024;

/**
 * The Spec as a provider sandbox takes it: `smart` package folders (node_modules, .venv, vendor) cannot be symlinked
 * to a folder on this machine, so they are not uploaded at all (the units' `install` makes them there): `copy` with
 * those folders ignored.
 */
export function remoteOverlaySpec(spec: Spec): Spec {
  const overlays = spec.overlays.map((overlay): OverlaySpec => {
    if (overlay.strategy !== 'smart') return overlay;
    const dirs = [...SMART_SYMLINK_DIRS, ...(overlay.symlinkDirs ?? [])].filter((dir) => !overlay.ignore.includes(dir));
    const { symlinkDirs: _dirs, ...rest } = overlay;
    return { ...rest, strategy: 'copy', ignore: [...overlay.ignore, ...dirs] };
  });
  return { ...spec, overlays };
}

/** `client` whose overlays are uploaded into staging folders under `$HOME/.compute-agent/overlays/` in the sandbox. */
export function withRemoteOverlays(client: SandboxClient): SandboxClient {
  let home: Promise<string> | undefined;
  const staging = async (id: string) => `${await (home ??= sandboxHome(client))}/.compute-agent/overlays/${id}`;
  const specs = new Map<string, OverlaySpec>();
  const hostSide = (record: OverlayRecord): OverlayRecord => {
    const source = record.labels?.[HOST_SOURCE_LABEL];
    return source === undefined ? record : { ...record, source };
  };
  return {
    ...client,
    overlays: {
      ...client.overlays,
      list: async () => (await client.overlays.list()).map(hostSide),
      retrieve: async (id) => hostSide(await client.overlays.retrieve(id)),
      create: async (overlay: OverlayCreate) => {
        const id = overlay.id as string;
        const dir = await staging(id);
        const spec: OverlaySpec = { id, source: overlay.source, target: overlay.target, strategy: overlay.strategy ?? 'copy', ignore: overlay.ignore ?? [] };
        specs.set(id, spec);
        const scan = await scanSource(spec);
        if (scan.status !== 'ok') throw new Error(`overlay ${id}: its source ${overlay.source} is not a folder`);
        await run(client, `rm -rf ${quote(dir)} && mkdir -p ${quote(dir)}`);
        await upload(client, overlay.source, dir, syncOperations(scan.manifest, {}));
        return hostSide(await client.overlays.create({ ...overlay, source: dir, labels: { ...overlay.labels, [HOST_SOURCE_LABEL]: overlay.source } }));
      },
      sync: async (id, ops) => {
        const record = hostSide(await client.overlays.retrieve(id));
        await upload(client, record.source, await staging(id), ops);
        return client.overlays.sync(id, ops);
      },
      destroy: async (id) => {
        await client.overlays.destroy(id);
        await run(client, `rm -rf ${quote(await staging(id))}`);
      },
    },
  };
}

// Applies `ops` to the staging folder `dir`, the bytes of each write read from `source` here, in bounded batches.
async function upload(client: SandboxClient, source: string, dir: string, ops: readonly SyncOp[]): Promise<void> {
  let batch: unknown[] = [];
  let size = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const file = `${dir}.batch.json`;
    await client.filesystem.writeFile(file, JSON.stringify(batch));
    await run(client, `node -e ${quote(APPLY)} ${quote(dir)} ${quote(file)}`);
    batch = [];
    size = 0;
  };
  for (const op of ops) {
    if (op.op === 'write') {
      const path = join(source, op.path);
      const stat = await lstat(path);
      const data = (await readFile(path)).toString('base64');
      for (let i = 0; i === 0 || i < data.length; i += BATCH_CHARS) {
        batch.push({ op: 'write', path: op.path, mode: op.mode, mtimeMs: stat.mtimeMs, data: data.slice(i, i + BATCH_CHARS), append: i > 0 });
        size += Math.min(BATCH_CHARS, data.length - i);
        if (size >= BATCH_CHARS) await flush();
      }
    } else if (op.op === 'symlink') {
      batch.push({ op: 'symlink', path: op.path, text: op.text });
    } else batch.push(op);
  }
  await flush();
}

// Run by node in the sandbox: applies a batch to the staging folder (argv[1]) and removes the batch file (argv[2]).
// Files keep the source's mode and mtime, so the daemon's manifest of the target matches this machine's scan.
const APPLY = [
  'const fs=require("fs"),p=require("path");const [d,f]=process.argv.slice(1);',
  'for(const o of JSON.parse(fs.readFileSync(f,"utf8"))){const t=p.join(d,o.path);',
  'if(o.op==="delete")fs.rmSync(t,{recursive:true,force:true});',
  'else if(o.op==="mkdir"){fs.mkdirSync(t,{recursive:true});fs.chmodSync(t,o.mode)}',
  'else if(o.op==="symlink"){fs.mkdirSync(p.dirname(t),{recursive:true});fs.rmSync(t,{recursive:true,force:true});fs.symlinkSync(o.text,t)}',
  'else{fs.mkdirSync(p.dirname(t),{recursive:true});const b=Buffer.from(o.data,"base64");',
  'if(o.append)fs.appendFileSync(t,b);else{fs.rmSync(t,{force:true});fs.writeFileSync(t,b)}',
  'fs.chmodSync(t,o.mode);const s=o.mtimeMs/1000;fs.utimesSync(t,s,s)}}',
  'fs.rmSync(f,{force:true})',
].join('');

async function sandboxHome(client: SandboxClient): Promise<string> {
  return (await run(client, 'printf %s "$HOME"')).replace(/\/$/, '');
}

async function run(client: SandboxClient, command: string): Promise<string> {
  const result = await client.runCommand(command, { timeout: 300 });
  if (result.exit_code !== 0) throw new Error(`uploading an overlay: \`${command.slice(0, 60)}…\` failed (exit ${result.exit_code}): ${result.stderr.trim().split('\n').slice(-2).join(' ')}`);
  return result.stdout;
}

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
