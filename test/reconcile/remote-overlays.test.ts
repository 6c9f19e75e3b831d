// The Spec a provider sandbox takes: `smart` package folders become ignored folders of a `copy` (they cannot be
// symlinked to this machine's folders), everything else is left as written.
import { describe, expect, it } from 'vitest';
import type { Spec } from '../../src/contract/spec.js';
import { remoteOverlaySpec } from '../../src/reconcile/remote-overlays.js';

const base = { name: 'p', files: [], projectDir: '/p', sandbox: { provider: 'bwrap', envs: {}, metadata: {}, headers: {}, options: {}, create: {} }, units: {}, inputs: [] } satisfies Omit<Spec, 'overlays'>;

describe('remoteOverlaySpec', () => {
  it('turns smart into copy with the package folders ignored, once each; copy overlays stay as they are', () => {
    const spec: Spec = {
      ...base,
      overlays: [
        { id: 'app', source: '/p/src', target: '/app', strategy: 'smart', ignore: ['.git', 'vendor'], symlinkDirs: ['.cache'] },
        { id: 'data', source: '/p/data', target: '/data', strategy: 'copy', ignore: [] },
      ],
    };
    expect(remoteOverlaySpec(spec).overlays).toEqual([
      { id: 'app', source: '/p/src', target: '/app', strategy: 'copy', ignore: ['.git', 'vendor', 'node_modules', '.venv', '.cache'] },
      { id: 'data', source: '/p/data', target: '/data', strategy: 'copy', ignore: [] },
    ]);
    expect(spec.overlays[0]?.strategy).toBe('smart');
  });
});
