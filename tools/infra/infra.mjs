#!/usr/bin/env node
// Local infrastructure for RentGuy (docs/architecture.md#local-infrastructure): checks and prepares
// the machine's PostgreSQL and Redis, and runs a real single-node Kafka (KRaft) from Maven Central
// jars because the project's machines have no Docker. See tools/infra/README.md.
//
//   node tools/infra/infra.mjs up | down | status | reset
//
// Also importable (e.g. from a jest globalSetup):
// `import { up, down, status, reset } from '.../infra.mjs'`.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { InfraError, resolveConfig } from './config.mjs';
import { downKafka, ensureKafka, kafkaStatus, resetKafka } from './kafka.mjs';
import { ensurePostgres, postgresStatus } from './postgres.mjs';
import { ensureRedis, redisStatus } from './redis.mjs';

export { InfraError };

// ---------------------------------------------------------------------------------------------
// Public API. Options override the environment: databaseUrl, extraDatabases, redisUrl,
// kafkaBrokers, cacheDir (INFRA_CACHE_DIR), env; and logger ({ log, warn }, either may be left out).

/** Brings local infrastructure up (idempotent) and waits until it is ready. */
export async function up(options = {}) {
  const config = resolveConfig(options);
  const names = ['postgres', 'redis', 'kafka'];
  // In parallel: the Kafka start dominates, and every problem gets reported in one run.
  const results = await Promise.allSettled([
    ensurePostgres(config),
    ensureRedis(config),
    ensureKafka(config),
  ]);
  const failures = [];
  const summary = {};
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') {
      summary[names[i]] = result.value;
      config.logger.log(result.value.summary);
    } else {
      failures.push(result.reason);
    }
  });
  if (failures.length === 1) {
    throw failures[0];
  }
  if (failures.length > 1) {
    throw new InfraError(failures.map((err) => err.message).join('\n'));
  }
  return summary;
}

/**
 * Stops what `up` started (only the Kafka broker; PostgreSQL and Redis belong to the machine).
 * The broker's data is kept: the next `up` finds its topics, events and offsets again.
 */
export async function down(options = {}) {
  return downKafka(resolveConfig(options));
}

/** Reports what is up, without changing anything. `allUp` tells whether `up` would be a no-op. */
export async function status(options = {}) {
  const config = resolveConfig(options);
  const checks = await Promise.all([postgresStatus(config), redisStatus(config), kafkaStatus(config)]);
  for (const check of checks) {
    config.logger.log(check.line);
  }
  return { postgres: checks[0], redis: checks[1], kafka: checks[2], allUp: checks.every((c) => c.up) };
}

/**
 * Stops infra's broker and removes its data dir (every topic, event and offset); the next `up`
 * formats a new one. Leaves a broker infra did not start, PostgreSQL and Redis alone.
 */
export async function reset(options = {}) {
  return resetKafka(resolveConfig(options));
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main([command, ...rest]) {
  const commands = { up, down, status, reset };
  if (!Object.hasOwn(commands, command) || rest.length) {
    console.error('usage: node tools/infra/infra.mjs <up|down|status|reset>');
    return 2;
  }
  try {
    const result = await commands[command]();
    return result?.allUp === false ? 1 : 0;
  } catch (err) {
    console.error(err instanceof InfraError ? `infra ${command} failed: ${err.message}` : err);
    return 1;
  }
}

function isMainModule() {
  if (!process.argv[1]) {
    return false;
  }
  try {
    return pathToFileURL(fs.realpathSync(process.argv[1])).href === import.meta.url;
  } catch {
    return false;
  }
}

// kafkajs 2.2.4 hands setTimeout a negative delay (tulios/kafkajs#1751); Node 24 then warns on every
// connection although the clamped 1 ms delay is what kafkajs means. Only the CLI hides that one
// warning: a process that imports this module keeps its own warning handling.
function hideKafkajsTimeoutWarning() {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') {
      for (const print of printers) {
        print(warning);
      }
    }
  });
}

if (isMainModule()) {
  hideKafkajsTimeoutWarning();
  process.exitCode = await main(process.argv.slice(2));
}
