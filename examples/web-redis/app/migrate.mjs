// The one-shot migration: prepares Redis for the API, then exits 0 (the unit is then "completed").
import { createClient } from './resp.mjs';

const redis = createClient({ port: Number(process.env.REDIS_PORT ?? 6390) });
try {
  // NX: set only if missing, so a re-run keeps the visits counted so far.
  await redis.command('SET', 'visits', '0', 'NX');
  await redis.command('SET', 'schema_version', '1');
  console.log(`migrate: schema_version=1, visits=${await redis.command('GET', 'visits')}`);
} catch (error) {
  console.error(`migrate: ${error.message}`);
  process.exitCode = 1;
} finally {
  redis.close();
}
