// The `bwrap` provider: a ComputeSDK 4.x provider (made with @computesdk/provider's defineProvider) whose sandboxes are
// bubblewrap namespace sets on this machine, each with its own /, PID and network namespaces and its own /app, /home
// and /tmp, reached from the host through ports forwarded to 127.0.0.1. Use it as `compute({ provider: bwrap() })`.
import { rmSync } from 'node:fs';
import { defineProvider, type CreateSandboxOptions, type SandboxInfo } from '@computesdk/provider';
import { runCommandInside, type Target } from './enter.js';
import * as files from './files.js';
import { apiSocket, startForwarder, startHolder } from './holder.js';
import { hostPortFor } from './ports.js';
import { endAll, isRunning, signalRef, waitUntil } from './proc.js';
import { listIds, makeFolders, newId, readRecord, rootFolder, sandboxFolder, writeRecord, type SandboxRecord } from './store.js';

/** Options of the provider's factory. */
export interface BwrapConfig {
  /** The folder that holds every sandbox (default $COMPUTE_BWRAP_ROOT, else $XDG_STATE_HOME/compute/bwrap). */
  root?: string;
}

/** The native sandbox behind a ComputeSDK sandbox of this provider (what getInstance() returns). */
export interface BwrapSandbox extends Target {
  /** The host folder of the sandbox: its record, logs and the private folders under fs/. */
  folder: string;
  record: SandboxRecord;
}

function toSandbox(root: string, record: SandboxRecord): BwrapSandbox {
  return { id: record.id, init: record.init, userns: record.userns, envs: record.envs, folder: sandboxFolder(root, record.id), record };
}

async function create(config: BwrapConfig, options: CreateSandboxOptions = {}): Promise<{ sandbox: BwrapSandbox; sandboxId: string }> {
  const root = rootFolder(config.root);
  const id = newId();
  const folder = makeFolders(root, id);
  try {
    const holder = await startHolder(folder, id);
    const record: SandboxRecord = {
      id,
      ...(typeof options.name === 'string' && { name: options.name }),
      ...(typeof options.namespace === 'string' && { namespace: options.namespace }),
      createdAt: new Date().toISOString(),
      ...(typeof options.timeout === 'number' && { timeoutMs: options.timeout }),
      envs: options.envs ?? {},
      ...holder,
    };
    writeRecord(folder, record);
    return { sandbox: toSandbox(root, record), sandboxId: id };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

// Ends every process of a sandbox and removes its folder. Killing its init ends its whole PID namespace at once
// (the kernel kills every process in it), and with it the mount namespace that held its mounts.
async function teardown(root: string, record: SandboxRecord): Promise<void> {
  signalRef(record.init, 'SIGKILL');
  await waitUntil(() => !isRunning(record.init), 5_000, `the init of sandbox ${record.id} to end`);
  await endAll([record.forwarder, record.bwrap]);
  rmSync(sandboxFolder(root, record.id), { recursive: true, force: true });
}

// The sandbox if its init still runs; a sandbox whose init died is gone, and what it left is cleared away. A
// forwarder that died (killed, or crashed) is started again, so the sandbox's ports can be reached again.
async function find(root: string, id: string): Promise<{ sandbox: BwrapSandbox; sandboxId: string } | null> {
  const record = readRecord(root, id);
  if (!record) return null;
  if (!isRunning(record.init)) {
    await teardown(root, record);
    return null;
  }
  if (!isRunning(record.forwarder)) {
    const folder = sandboxFolder(root, id);
    const restarted: SandboxRecord = { ...record, forwarder: await startForwarder(folder, record.init, record.userns) };
    writeRecord(folder, restarted);
    return { sandbox: toSandbox(root, restarted), sandboxId: id };
  }
  return { sandbox: toSandbox(root, record), sandboxId: id };
}

function info(sandbox: BwrapSandbox): SandboxInfo {
  const { record } = sandbox;
  return {
    id: record.id,
    provider: 'bwrap',
    status: isRunning(record.init) ? 'running' : 'stopped',
    createdAt: new Date(record.createdAt),
    timeout: record.timeoutMs ?? 0,
    metadata: { name: record.name, namespace: record.namespace, folder: sandbox.folder, initPid: record.init.pid },
  };
}

/** The provider factory: `bwrap({ root })` gives a provider for computesdk's `compute({ provider })`. */
export const bwrap = defineProvider<BwrapSandbox, BwrapConfig>({
  name: 'bwrap',
  methods: {
    sandbox: {
      create,
      getById: (config, id) => find(rootFolder(config.root), id),
      list: async (config) => {
        const root = rootFolder(config.root);
        const found = await Promise.all(listIds(root).map((id) => find(root, id)));
        return found.filter((entry) => entry !== null);
      },
      destroy: async (config, id) => {
        const root = rootFolder(config.root);
        const record = readRecord(root, id);
        if (record) await teardown(root, record);
      },
      runCommand: (sandbox, command, options) => runCommandInside(sandbox, command, options),
      streamCommand: (sandbox, command, options) => runCommandInside(sandbox, command, options),
      getInfo: async (sandbox) => info(sandbox),
      getUrl: async (sandbox, { port, protocol }) => {
        const hostPort = await hostPortFor(apiSocket(sandbox.folder), port);
        return `${(protocol ?? 'http').replace(/:$/, '')}://127.0.0.1:${hostPort}`;
      },
      filesystem: {
        readFile: (sandbox, path) => files.readFile(sandbox, path),
        writeFile: (sandbox, path, content) => files.writeFile(sandbox, path, content),
        mkdir: (sandbox, path) => files.mkdir(sandbox, path),
        readdir: (sandbox, path) => files.readdir(sandbox, path),
        exists: (sandbox, path) => files.exists(sandbox, path),
        remove: (sandbox, path) => files.remove(sandbox, path),
      },
    },
  },
});
