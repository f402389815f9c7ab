import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlertingMetrics } from '../src/alerting-metrics.js';
import { LANGS } from '../src/lang.js';
import { type MessageTexts, textsFor } from '../src/messages.js';

// docs/spec.md is where each contract is stated; these fail when the service grows past it.
const spec = readFileSync(new URL('../../docs/spec.md', import.meta.url), 'utf8');
const section = (n: number) => spec.split(/^## /m).find((part) => part.startsWith(`${n}. `)) ?? '';

/** The placeholders §5.1 writes for each argument of each text. */
const PLACEHOLDERS = {
  workerDown: ['<name>'],
  lastBeat: ['<ago>'],
  noBeatSinceBoot: ['<grace>'],
  workerRecovered: ['<name>'],
  downFor: ['<duration>'],
  stillDown: ['<name>', '<duration>'],
  silenceOver: ['<name>'],
  stillDownSince: ['<duration>'],
  downAndRecovered: ['<duration>'],
  deadLettersNow: ['<n>'],
  deadLetter: ['<name>', '<n>'],
  queueStuck: ['<name>', '<n>', '<duration>'],
  queueMoving: ['<name>', '<n>'],
  heartbeatStale: ['<name>', '<duration>'],
  heartbeatFresh: ['<name>'],
  jobStuck: ['<name>', '<duration>'],
  jobMoving: ['<name>'],
  redisEvicting: ['<policy>'],
  redisEvictingOver: ['<duration>'],
  redisDown: [],
  redisError: ['<error>'],
  redisStillDown: ['<duration>'],
  redisRestored: ['<duration>'],
  stillDownList: [],
  hostDown: ['<host>', '<n>', '<total>'],
  hostRecovered: ['<host>', '<n>', '<total>'],
  escalated: ['<duration>'],
  incidentDown: ['<name>'],
  incidentQueueStuck: ['<name>'],
  incidentJobStuck: ['<name>'],
  openFor: ['<duration>'],
  acknowledged: ['<name>', '<who>', '<when>'],
  maintenanceChanges: ['<name>'],
  maintenanceStarted: ['<target>', '<HH:MM>'],
  maintenanceOver: ['<target>', '<duration>'],
  nothingChanged: [],
} satisfies Record<keyof MessageTexts, string[]>;

describe('docs/spec.md', () => {
  it('§4.3 names every metric the alerting service serves', async () => {
    const metrics = new AlertingMetrics(async () => 0);
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !spec.includes(`\`${name}\``))).toEqual([]);
  });

  it.each(LANGS.flatMap((lang) => Object.keys(PLACEHOLDERS).map((key) => ({ lang, key }))))(
    '§5.1 carries the $lang text $key',
    ({ lang, key }) => {
      const text: unknown = textsFor(lang)[key as keyof MessageTexts];
      const args = PLACEHOLDERS[key as keyof MessageTexts];
      const written = typeof text === 'function' ? text(...args) : text;
      expect(section(5)).toContain(written);
    },
  );
});
