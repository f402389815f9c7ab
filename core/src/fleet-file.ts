import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_FLEET, type Fleet, FleetConfigError, parseFleet } from './contracts/fleet.js';

/** Loads `FLEET_CONFIG` (JSON or YAML by extension), or the default six workers when unset. */
export function loadFleet(path: string | undefined): Fleet {
  if (!path) return DEFAULT_FLEET;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FleetConfigError(`FLEET_CONFIG: cannot read ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new FleetConfigError(`FLEET_CONFIG: ${path} does not parse: ${(error as Error).message}`);
  }
  return parseFleet(data, `FLEET_CONFIG ${path}`);
}
