// compute's daemon inside a provider sandbox (the "agent"): uploaded as one file with the provider's text writeFile
// in bounded base64 chunks, decoded and verified (sha256) by node in the sandbox, started with one self-contained
// background command line, and reached at getUrl({port}) with the project's bearer token.
import { readFileSync } from 'node:fs';
import { DAEMON_BUNDLE } from '../sdk/daemon-bundle.js';
import type { AgentInfo } from './record.js';
import type { Sandbox } from './sandbox.js';
import { nodeCrypto } from '../contract/lazy-crypto.js';

/** The port the agent listens on inside the sandbox (every sandbox has its own network, so one fixed port serves). */
export const AGENT_PORT = 48217;

/** Base64 characters per writeFile call: bounded, so that no provider is handed one 1.3 MB request. */
export const CHUNK_CHARS = 256 * 1024;

/** The oldest node the agent runs on. */
const MIN_NODE_MAJOR = 20;

/** A sandbox the agent cannot run in, or an agent that would not start. */
export class AgentError extends Error {
  override name = 'AgentError';
}

/** The bundle to upload and its sha256, read once per process. */
let bundle: { text: string; sha256: string } | undefined;
export function agentBundle(): { text: string; sha256: string } {
  if (bundle) return bundle;
  const bytes = readFileSync(DAEMON_BUNDLE);
  return (bundle = { text: bytes.toString('base64'), sha256: nodeCrypto().createHash('sha256').update(bytes).digest('hex') });
}

/** `'text'` for a POSIX shell, whatever the text holds. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

// Run by node in the sandbox with the agent folder (or none: then $HOME/.compute-agent): makes the folder (0700) and
// an empty private token file, and prints node's version, the folder and the sha256 of the bundle already there.
const PROBE = [
  'const fs=require("fs"),c=require("crypto");',
  'const d=process.argv[1]||require("os").homedir().replace(/\\/$/,"")+"/.compute-agent";',
  'fs.mkdirSync(d+"/upload",{recursive:true,mode:0o700});fs.chmodSync(d,0o700);',
  'fs.writeFileSync(d+"/token","",{mode:0o600});fs.chmodSync(d+"/token",0o600);',
  'let s="";try{s=c.createHash("sha256").update(fs.readFileSync(d+"/compute-daemon.mjs")).digest("hex")}catch{}',
  'process.stdout.write(JSON.stringify({node:process.versions.node,dir:d,sha256:s}))',
].join('');

// Joins the uploaded chunks (sorted by name), decodes them into the bundle (by temp name and rename) and prints its sha256.
const ASSEMBLE = [
  'const fs=require("fs"),c=require("crypto");const d=process.argv[1],u=d+"/upload";',
  'const b=Buffer.from(fs.readdirSync(u).sort().map((f)=>fs.readFileSync(u+"/"+f,"utf8")).join(""),"base64");',
  'fs.writeFileSync(d+"/compute-daemon.tmp",b);fs.renameSync(d+"/compute-daemon.tmp",d+"/compute-daemon.mjs");',
  'fs.rmSync(u,{recursive:true,force:true});process.stdout.write(c.createHash("sha256").update(b).digest("hex"))',
].join('');

/** What one install did: whether the bundle was uploaded, its size and how long that took. */
export interface InstallReport {
  agent: AgentInfo;
  uploaded: boolean;
  bytes: number;
  uploadMs: number;
}

/**
 * Puts the agent into the sandbox and starts it; `previous` is where one was started before (its folder is reused and
 * a daemon still running there is ended first with SIGKILL, so that the new one adopts its units). Uploads nothing
 * when the bundle there has the same sha256.
 */
export async function installAgent(sandbox: Sandbox, token: string, previous: AgentInfo | undefined, replaceRunning: boolean): Promise<InstallReport> {
  const { text, sha256 } = agentBundle();
  const probe = await run(sandbox, `command -v node >/dev/null 2>&1 || { echo compute-no-node; exit 0; }; exec node -e ${shellQuote(PROBE)} ${shellQuote(previous?.dir ?? '')}`, 'probe');
  if (probe.includes('compute-no-node')) {
    throw new AgentError(`sandbox ${sandbox.sandboxId} (provider ${sandbox.provider}) has no node on its PATH; compute's agent needs node >= ${MIN_NODE_MAJOR}: pick a template or image with node (sandbox.create)`);
  }
  const found = JSON.parse(probe) as { node: string; dir: string; sha256: string };
  if (Number(found.node.split('.')[0]) < MIN_NODE_MAJOR) {
    throw new AgentError(`sandbox ${sandbox.sandboxId} (provider ${sandbox.provider}) has node ${found.node}; compute's agent needs node >= ${MIN_NODE_MAJOR}: pick a template or image with a newer node (sandbox.create)`);
  }
  const dir = found.dir;
  const started = Date.now();
  let uploaded = false;
  if (found.sha256 !== sha256) {
    for (let i = 0, part = 0; i < text.length; i += CHUNK_CHARS, part++) {
      await sandbox.filesystem.writeFile(`${dir}/upload/${String(part).padStart(5, '0')}.b64`, text.slice(i, i + CHUNK_CHARS));
    }
    const written = (await run(sandbox, `node -e ${shellQuote(ASSEMBLE)} ${shellQuote(dir)}`, 'assemble')).trim();
    if (written !== sha256) throw new AgentError(`the agent uploaded into sandbox ${sandbox.sandboxId} has sha256 ${written || '(none)'}, not ${sha256}: the upload was damaged`);
    uploaded = true;
  }
  const uploadMs = Date.now() - started;
  await sandbox.filesystem.writeFile(`${dir}/token`, token);
  if (replaceRunning) await run(sandbox, endLine(dir), 'end the agent of another version');
  await sandbox.runCommand(startLine(dir), { background: true });
  return { agent: { dir, port: AGENT_PORT, sha256 }, uploaded, bytes: uploaded ? text.length : 0, uploadMs };
}

/**
 * The one background command line that starts the agent: everything it needs is on the line (no cwd or env options,
 * which some providers compose badly with `background`), its output goes to a file in its folder.
 */
export function startLine(dir: string): string {
  const q = shellQuote;
  const daemon = `exec env NODE_ENV=production node compute-daemon.mjs --root / --state ${q(`${dir}/state`)} --listen 0.0.0.0:${AGENT_PORT} --token-file ${q(`${dir}/token`)} >${q(`${dir}/daemon.out`)} 2>&1`;
  return `sh -c ${q(`chmod 600 ${q(`${dir}/token`)} && cd ${q(dir)} && ${daemon}`)}`;
}

// Ends the running agent with SIGKILL (its units keep running, and the new agent adopts them from its state file),
// and waits up to 5 s for it to be gone.
function endLine(dir: string): string {
  const pidFile = shellQuote(`${dir}/state/daemon.pid`);
  return `pid=$(cat ${pidFile} 2>/dev/null) || exit 0; kill -9 "$pid" 2>/dev/null; i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; exit 0`;
}

/** The last lines the agent printed, for an error message. */
export async function agentOutput(sandbox: Sandbox, agent: AgentInfo): Promise<string> {
  try {
    const result = await sandbox.runCommand(`tail -n 20 ${shellQuote(`${agent.dir}/daemon.out`)} 2>/dev/null`);
    return result.stdout.trim();
  } catch {
    return '';
  }
}

async function run(sandbox: Sandbox, command: string, what: string): Promise<string> {
  const result = await sandbox.runCommand(command);
  if (result.exitCode !== 0) {
    throw new AgentError(`installing the agent in sandbox ${sandbox.sandboxId} (${what}) failed with exit code ${result.exitCode}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`);
  }
  return result.stdout;
}
