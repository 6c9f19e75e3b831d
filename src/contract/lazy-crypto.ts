// node:crypto loaded at its first use. Why: importing it costs a short command ~4 ms (compiling its internal modules),
// and `compute ps`, `logs` or `validate` reach modules that hash or make temp names only on other paths.
import { createRequire } from 'node:module';

let crypto: typeof import('node:crypto') | undefined;

/** node:crypto, required at the first call. */
export function nodeCrypto(): typeof import('node:crypto') {
  return (crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));
}
