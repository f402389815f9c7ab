// `npm run docs`: writes each README's settings table from the services' settings tables, the
// one place a setting is declared. With --check it writes nothing and exits 1 when a README has
// drifted from its table (a test runs that).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SETTINGS as ALERTING } from '@fleet/alerting';
import {
  markdownTable,
  replaceMarkedSection,
  type SettingsTable,
  settingsMarkdown,
} from '@fleet/core';
import { SETTINGS as EXPORTER } from '@fleet/exporter';
import { SETTINGS as SIMULATOR } from '@fleet/simulator';
import { DEMO_SETTINGS } from './config.js';

const SERVICES: Record<string, SettingsTable> = {
  exporter: EXPORTER,
  alerting: ALERTING,
  simulator: SIMULATOR,
};

/** The variables the main README lists; the finer knobs stay in each service's README. */
const MAIN_VARIABLES = [
  'REDIS_URL',
  'FLEET_CONFIG',
  'EXPORTER_PORT',
  'EXPORTER_HOST',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_BOT_TOKEN_FILE',
  'TELEGRAM_CHAT_ID',
  'TELEGRAM_API_URL',
  'ALERT_INTERVAL_S',
  'ALERT_DEADLETTER_THRESHOLD',
  'ALERT_BOOT_GRACE_S',
  'ALERT_LANG',
  'ALERTING_PORT',
  'LOG_LEVEL',
];

/** The main README's table: each variable once, with the services that read it. */
function mainTable(): string {
  const rows = MAIN_VARIABLES.map((variable) => {
    const users = Object.entries(SERVICES).flatMap(([service, table]) =>
      Object.values(table).some((entry) => entry.env === variable) ? [service] : [],
    );
    const entry = Object.values(SERVICES)
      .flatMap((table) => Object.values(table))
      .find((candidate) => candidate.env === variable);
    if (!entry) throw new Error(`no service declares ${variable}`);
    const fallback = entry.default === undefined ? '' : `\`${String(entry.default)}\``;
    return [`\`${variable}\``, users.join(', '), entry.defaultText ?? fallback, entry.help];
  });
  return markdownTable(['variable', 'used by', 'default', 'meaning'], rows);
}

/** Each README, with the content of each of its marked sections. */
const DOCS: Record<string, Record<string, string>> = {
  'README.md': { 'settings:main': mainTable() },
  'exporter/README.md': { 'settings:exporter': settingsMarkdown(EXPORTER) },
  'alerting/README.md': { 'settings:alerting': settingsMarkdown(ALERTING) },
  'simulator/README.md': {
    'settings:demo': settingsMarkdown(DEMO_SETTINGS),
    'settings:simulator': settingsMarkdown(SIMULATOR),
  },
};

const check = process.argv.includes('--check');
const drifted: string[] = [];
for (const [file, sections] of Object.entries(DOCS)) {
  const path = fileURLToPath(new URL(`../${file}`, import.meta.url));
  const text = readFileSync(path, 'utf8');
  let updated = text;
  for (const [name, content] of Object.entries(sections)) {
    updated = replaceMarkedSection(updated, name, content);
  }
  if (updated === text) continue;
  drifted.push(file);
  if (!check) writeFileSync(path, updated);
}
if (check && drifted.length > 0) {
  console.error(
    `settings tables out of date in ${drifted.join(', ')}: run npm run docs (the tables come from each service's SETTINGS)`,
  );
  process.exit(1);
}
console.log(drifted.length > 0 ? `updated ${drifted.join(', ')}` : 'settings tables up to date');
