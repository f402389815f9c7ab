// A service's settings, declared once as a table: the command line, `--help`, the typed config
// and the README tables are all derived from it.
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from './config-options.js';

/** What a setting entry declares; see {@link setting}. */
export interface SettingSpec<T> {
  /** The flag with its value placeholder, e.g. `--redis-url <url>`. */
  flag: string;
  /** Its environment twin, e.g. `REDIS_URL`. */
  env: string;
  /** One line for `--help` and the README (Markdown backticks are dropped in `--help`). */
  help: string;
  /** The value when neither flag nor variable is given; absent = unset (`undefined`). */
  default?: NoInfer<T>;
  /** How the README words the default, when the value itself says too little (or is unset). */
  defaultText?: string;
  /**
   * Turns the raw text into the value; throws commander's InvalidArgumentError (the message then
   * names the flag or variable and echoes the value) or, for a secret, a ConfigError of its own.
   * @defaultValue the text itself
   */
  parse?: (value: string) => T;
  /** The only values allowed (commander checks them and lists them in `--help`). */
  choices?: readonly T[];
}

/** One setting; `V` is the type of its value (`undefined` included when it has no default). */
export interface Setting<V> {
  readonly flag: string;
  readonly env: string;
  readonly help: string;
  readonly default: V | undefined;
  readonly defaultText: string | undefined;
  readonly parse: ((value: string) => V) | undefined;
  readonly choices: readonly V[] | undefined;
}

/** A service's settings by the name its config uses for them. */
export type SettingsTable = Readonly<Record<string, Setting<unknown>>>;

/** The typed values of a table, as {@link parseSettings} returns them. */
export type SettingValues<S extends SettingsTable> = {
  -readonly [K in keyof S]: S[K] extends Setting<infer V> ? V : never;
};

/** A table entry; its value type comes from `parse` or `choices` (else string). */
export function setting<T = string>(spec: SettingSpec<T> & { default: NoInfer<T> }): Setting<T>;
export function setting<T = string>(spec: SettingSpec<T>): Setting<T | undefined>;
export function setting<T>(spec: SettingSpec<T>): Setting<T | undefined> {
  return {
    flag: spec.flag,
    env: spec.env,
    help: spec.help,
    default: spec.default,
    defaultText: spec.defaultText,
    parse: spec.parse,
    choices: spec.choices,
  };
}

/** A command whose options are the table's settings, each with its environment twin. */
export function settingsCommand(name: string, description: string, table: SettingsTable): Command {
  const command = new Command(name).description(description);
  for (const entry of Object.values(table)) command.addOption(settingOption(entry));
  return command;
}

function settingOption(entry: Setting<unknown>): Option {
  const unsetText =
    entry.default === undefined && entry.defaultText ? ` (default: ${entry.defaultText})` : '';
  const option = new Option(entry.flag, plainText(entry.help + unsetText)).env(entry.env);
  if (entry.default !== undefined) option.default(entry.default);
  if (entry.choices) option.choices(entry.choices.map(String));
  if (entry.parse) option.argParser(entry.parse);
  return option;
}

/** The values of `table` once `command` (from {@link settingsCommand}) has parsed. */
export function settingValues<S extends SettingsTable>(
  command: Command,
  table: S,
): SettingValues<S> {
  const options = command.opts();
  const values = Object.fromEntries(
    Object.entries(table).map(([key, entry]) => [key, options[attributeName(entry)]]),
  );
  // Each value went through its entry's parse, choices or default, which the type is made of.
  return values as SettingValues<S>;
}

/** The table's keys whose value came from a flag or variable rather than the default. */
export function explicitSettings<S extends SettingsTable>(
  command: Command,
  table: S,
): Set<keyof S> {
  return new Set(
    Object.keys(table).filter((key) => {
      const entry = table[key];
      const source = entry && command.getOptionValueSource(attributeName(entry));
      return source === 'cli' || source === 'env';
    }),
  );
}

/** The defaults of a table (unset ones `undefined`). */
export function settingDefaults<S extends SettingsTable>(table: S): SettingValues<S> {
  const values = Object.fromEntries(
    Object.entries(table).map(([key, entry]) => [key, entry.default]),
  );
  // The same shape as settingValues: a default is a value of its entry's type.
  return values as SettingValues<S>;
}

function attributeName(entry: Setting<unknown>): string {
  return new Option(entry.flag).attributeName();
}

/**
 * Parses `argv` (user arguments, no node/script) against `table` and returns the typed values.
 * A bad value throws ConfigError with commander's message, which names the flag or variable;
 * `--help` prints the help and throws the CommanderError with code `commander.helpDisplayed`.
 * Commander neither prints the error nor exits: the service's main decides.
 */
export function parseSettings<S extends SettingsTable>(
  command: Command,
  table: S,
  argv: readonly string[],
): SettingValues<S> {
  command.exitOverride().configureOutput({ writeErr: () => {} });
  try {
    command.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.code !== 'commander.helpDisplayed') {
      throw new ConfigError(error.message.replace(/^error: /, ''));
    }
    throw error;
  }
  return settingValues(command, table);
}

/** The README table of `table`: variable, flag, default, meaning. */
export function settingsMarkdown(table: SettingsTable): string {
  const rows = Object.values(table).map((entry) => [
    code(entry.env),
    code(entry.flag.replace(/ <.*>$/, '')),
    entry.defaultText ?? (entry.default === undefined ? '' : code(String(entry.default))),
    entry.help,
  ]);
  return markdownTable(['variable', 'flag', 'default', 'meaning'], rows);
}

/** A Markdown table, padded so the source reads as a table too. */
export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => cell.replaceAll('|', '\\|')));
  const widths = header.map((_, column) =>
    Math.max(3, ...cells.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    `| ${widths.map((width, column) => (row[column] ?? '').padEnd(width)).join(' | ')} |`;
  const [head = [], ...body] = cells;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

/**
 * `text` with the part between `<!-- NAME:start -->` and `<!-- NAME:end -->` replaced by
 * `content`; throws when the markers are missing.
 */
export function replaceMarkedSection(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`no ${start} … ${end} section`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

function code(text: string): string {
  return `\`${text}\``;
}

function plainText(markdown: string): string {
  return markdown.replaceAll('`', '');
}
