#!/usr/bin/env node
import { createLogger } from '@fleet/core';
import { CommanderError } from 'commander';
import { ConfigError, loadConfig } from './config.js';
import { startExporter } from './exporter.js';

function configOrExit() {
  try {
    return loadConfig(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'commander.helpDisplayed')
      process.exit(0);
    if (error instanceof ConfigError) {
      console.error(`fleet-exporter: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

const config = configOrExit();
const logger = createLogger('exporter', config.logLevel);
try {
  const exporter = await startExporter({ ...config, logger });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      exporter.close().then(
        () => process.exit(0),
        (error: Error) => {
          logger.error({ error: error.message }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  logger.fatal({ error: (error as Error).message }, 'exporter could not start');
  process.exit(1);
}
