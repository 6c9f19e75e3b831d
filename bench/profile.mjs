// Summarises a V8 CPU profile (`node --cpu-prof`): self time by package or file, and the top functions by self and
// inclusive time. Usage: node bench/profile.mjs FILE.cpuprofile [TOP] [FROM_MS,TO_MS]
// FROM_MS,TO_MS keeps only the samples in that window (ms since the profile started), e.g. a daemon's busy part.
import { readFileSync } from 'node:fs';

const [file, topArg, windowArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile.mjs FILE.cpuprofile [TOP]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Sample i lasted timeDeltas[i + 1] (the delta before the next sample); the last sample's length is unknown.
const [from, to] = windowArg ? windowArg.split(',').map(Number) : [0, Infinity];
const self = new Map();
let at = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] / 1000;
  if (at >= from && at <= to) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
});
const totalMs = [...self.values()].reduce((a, b) => a + b, 0);

const where = (frame) => {
  const url = frame.url || '';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.includes('/dist/')) return `dist/${url.split('/dist/')[1]}`;
  if (url.startsWith('node:')) return url;
  return url ? url.split('/').slice(-2).join('/') : `(${frame.functionName || 'native'})`;
};
const label = (frame) => `${frame.functionName || '(anonymous)'} ${where(frame)}:${frame.lineNumber + 1}`;

const byPlace = new Map();
const selfByFn = new Map();
const inclusive = new Map();
for (const [id, time] of self) {
  const frame = byId.get(id).callFrame;
  byPlace.set(where(frame), (byPlace.get(where(frame)) ?? 0) + time);
  selfByFn.set(label(frame), (selfByFn.get(label(frame)) ?? 0) + time);
  // Inclusive: every distinct function on the stack gets the sample's time once.
  const seen = new Set();
  for (let node = id; node !== undefined; node = parent.get(node)) {
    const name = label(byId.get(node).callFrame);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + time);
  }
}
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${time.toFixed(1).padStart(9)} ms  ${name}`);
};
console.log(`${file}: ${totalMs.toFixed(0)} ms sampled`);
print('self time by package or file', byPlace);
print('self time by function', selfByFn);
print('inclusive time by function', inclusive);
