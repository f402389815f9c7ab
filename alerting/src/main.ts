#!/usr/bin/env node
// The alerting service's command line: configured by environment variables (or their flags).
import { CommanderError } from 'commander';
import { startAlerting } from './alerting-service.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.argv.slice(2));
  } catch (error) {
    // Commander has printed the help already.
    if (error instanceof CommanderError && error.code === 'commander.helpDisplayed') return;
    if (error instanceof ConfigError) {
      process.stderr.write(`alerting: invalid setting: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const service = await startAlerting(config);
  const stop = () => {
    service.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`alerting: shutdown failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`alerting: ${error.message}\n`);
  process.exit(1);
});
