// "Did you mean ...?" for unknown keys, values and names.

// Names people bring from docker compose, process-compose and the seed API, and what they are called here.
// A Map, not an object literal: looking up `constructor` must not find Object's own properties.
const ALIASES = new Map<string, string[]>(Object.entries({
  command: ['start', 'cmd'],
  entrypoint: ['cmd', 'start'],
  depends_on: ['needs'],
  dependencies: ['needs'],
  healthcheck: ['health_check'],
  readiness_probe: ['health_check'],
  ports: ['port'],
  working_dir: ['path'],
  workdir: ['path', 'working_dir'],
  cwd: ['path', 'working_dir'],
  dir: ['path', 'working_dir'],
  env: ['environment'],
  environment: ['env'],
  envs: ['environment', 'env'],
  restart: ['restart_policy'],
  image: ['cmd', 'start'],
  overlays: ['overlay'],
  path: ['working_dir'],
  start: ['cmd'],
  cmd: ['start'],
  health_port: ['health_check'],
}));

/** The candidate closest to `word` (by edit distance, ignoring case and `-`/`_`), when one is close enough. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const alias = ALIASES.get(word.toLowerCase())?.find((a) => list.includes(a));
  if (alias) return alias;
  const norm = (s: string) => s.toLowerCase().replace(/-/g, '_');
  const target = norm(word);
  // Short words need a near-exact match, or everything suggests everything.
  const limit = Math.max(1, Math.floor(target.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of list) {
    if (Math.abs(candidate.length - target.length) > limit) continue;
    const distance = editDistance(target, norm(candidate), limit);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean \`x\`?` when a close candidate exists, else the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = suggest(word, candidates);
  return best === undefined ? '' : `; did you mean \`${best}\`?`;
}

/** Edit distance with adjacent transpositions (optimal string alignment); stops early above `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return rowMin;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] ?? 0;
}
