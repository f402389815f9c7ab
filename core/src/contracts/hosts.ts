import type { HostStatus } from './host-status.js';

/** A host's name: the same characters as a worker's name. */
export const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A host of the fleet, where workers run (docs/spec.md §1), with every default filled in. */
export interface HostSpec {
  name: string;
  /** Shown over its box in the panel. @defaultValue the name */
  label: string;
  /** What runs there, in a few words, shown under the label; null shows nothing. */
  role: string | null;
}

/** The two hosts of a fleet file that declares none: the NAS and the Windows box. */
export const DEFAULT_HOSTS: readonly HostSpec[] = [
  { name: 'nas', label: 'NAS', role: 'Redis · web back end · stock' },
  { name: 'windows', label: 'Windows node', role: 'GPU render · trading' },
];

/** Where a worker whose fleet entry names no host runs, and where an unlisted worker is shown. */
export const DEFAULT_HOST = 'windows';

/**
 * The document's `hosts`: the fleet's hosts in declaration order, then any other host a worker
 * names (an unlisted worker on an undeclared default host), so every `workers[].host` is listed.
 */
export function hostsOf(
  declared: readonly HostSpec[],
  workers: readonly { host: string }[],
): HostStatus[] {
  const hosts: HostStatus[] = declared.map((host) => ({ ...host, declared: true }));
  const known = new Set(declared.map((host) => host.name));
  for (const { host } of workers) {
    if (known.has(host)) continue;
    known.add(host);
    hosts.push({ name: host, label: host, role: null, declared: false });
  }
  return hosts;
}
