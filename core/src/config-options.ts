// Pieces shared by the services' `config.ts` files (which stay the only readers of process.env).
import { InvalidArgumentError } from 'commander';
import { type Fleet, FleetConfigError } from './contracts/fleet.js';
import { loadFleet } from './fleet-file.js';
import { redactUrl } from './logger.js';

/** A setting that stops a service at start; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The pino levels a `--log-level` may name. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** argParser: a whole number (digits only) from `min` to `max`. */
export function integer(min: number, max = Number.POSITIVE_INFINITY): (value: string) => number {
  const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `from ${min} to ${max}`;
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
      throw new InvalidArgumentError(`expected a whole number ${range}.`);
    }
    return number;
  };
}

/** argParser: a finite number above 0; `noun` words the message ("expected seconds > 0"). */
export function positiveNumber(noun = 'a number'): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) {
      throw new InvalidArgumentError(`expected ${noun} > 0`);
    }
    return number;
  };
}

/** argParser: one of `choices`. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
}

/**
 * What is wrong with a REDIS_URL (--redis-url) value, or null when it is a redis:// or rediss://
 * URL. Checked after parsing rather than by an argParser: commander echoes a refused value, and
 * this one may hold a password.
 */
export function redisUrlProblem(value: string): string | null {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    return `REDIS_URL (--redis-url) is not a URL: ${redactUrl(value)}`;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    return `REDIS_URL (--redis-url) must start with redis:// or rediss://, not ${protocol}//`;
  }
  return null;
}

/** `value` if it is a redis:// or rediss:// URL; otherwise a ConfigError that hides the password. */
export function checkRedisUrl(value: string): string {
  const problem = redisUrlProblem(value);
  if (problem !== null) throw new ConfigError(problem);
  return value;
}

/** The fleet file named by FLEET_CONFIG (unset = the default fleet); a bad one is a ConfigError. */
export function loadFleetSetting(path: string | undefined): Fleet {
  try {
    return loadFleet(path);
  } catch (error) {
    if (error instanceof FleetConfigError) throw new ConfigError(error.message);
    throw error;
  }
}
