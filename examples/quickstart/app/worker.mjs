// The quickstart worker: posts a job to the API every INTERVAL_MS and logs the answer.
const url = new URL('/jobs', process.env.API_URL ?? 'http://127.0.0.1:3000');
const intervalMs = Number(process.env.INTERVAL_MS ?? 1000);

async function tick() {
  try {
    const response = await fetch(url, { method: 'POST' });
    const { job } = await response.json();
    console.log(`worker: job ${job} accepted`);
  } catch (error) {
    // Exit non-zero and let the restart policy bring the worker back once the API answers again.
    console.error(`worker: cannot reach ${url}: ${error.cause?.code ?? error.message}`);
    process.exit(1);
  }
}

console.log(`worker: posting to ${url} every ${intervalMs} ms`);
const timer = setInterval(tick, intervalMs);
process.on('SIGTERM', () => {
  clearInterval(timer);
  process.exit(0);
});
