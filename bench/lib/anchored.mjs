// A compose file written the way hand-kept big files are: defaults under `x-` keys with anchors (on block maps,
// flow maps, lists and scalars), and units that merge them (`<<: *a`, `<<: [*a, *b]`) and alias them as values.
// Issue 13's bounded-inputs case: about 1 MB must be read and validated in ≤ 1 s and ≤ 200 MB.

const HEAD = `name: anchored
x-common: &common {restart_policy: always, env: {A: b}}
x-limits: &limits
  max_restarts: 5
  restart_delay_ms: 1000
  stop_timeout_ms: 10000
x-check: &check { path: /health, interval_ms: 1000 }
x-cmd: &cmd ./bin/worker
x-args: &args [--verbose, "--level=2"]
x-env: &env
  NODE_ENV: production
  REGION: eu
`;

/** The text of a file of at most `bytes` bytes, nearly all of them (13,850 services for 1 MB, and 20 servers). */
export function anchoredFile(bytes = 1_000_000) {
  const parts = [HEAD, 'servers:\n'];
  for (let i = 0; i < 20; i++) {
    parts.push(`  web-${i}:\n    <<: *limits\n    start: node web.js --id ${i}\n    port: ${20_000 + i}\n    health_check: *check\n    environment: *env\n`);
  }
  parts.push('services:\n');
  let size = parts.join('').length;
  for (let i = 0; ; i++) {
    const unit =
      i % 4 === 0
        ? `  s-${i}:\n    <<: [*common, *limits]\n    cmd: *cmd\n    args: *args\n`
        : `  s-${i}:\n    <<: *common\n    cmd: ./bin/s --id ${i}\n    needs: [s-${i - 1}]\n`;
    if (size + unit.length > bytes) break;
    parts.push(unit);
    size += unit.length;
  }
  return parts.join('');
}
