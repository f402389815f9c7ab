import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  explicitSettings,
  integer,
  markdownTable,
  parseSettings,
  replaceMarkedSection,
  setting,
  settingDefaults,
  settingsCommand,
  settingsMarkdown,
} from '../src/index.js';

function secret(value: string): string {
  if (!value.startsWith('ok')) throw new ConfigError('TEST_SECRET is malformed (not echoed)');
  return value;
}

const TABLE = {
  port: setting({
    flag: '--port <port>',
    env: 'TEST_PORT',
    default: 8000,
    parse: integer(0, 65_535),
    help: 'the `port`',
  }),
  mode: setting({
    flag: '--mode <mode>',
    env: 'TEST_MODE',
    default: 'fast',
    choices: ['fast', 'slow'] as const,
    help: 'how',
  }),
  name: setting({
    flag: '--name <name>',
    env: 'TEST_NAME',
    defaultText: 'the host name',
    help: 'who',
  }),
  token: setting({
    flag: '--token <token>',
    env: 'TEST_SECRET',
    parse: secret,
    help: 'a | secret',
  }),
};

const parse = (argv: string[] = []) =>
  parseSettings(settingsCommand('t', 'test', TABLE), TABLE, argv);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('settings tables', () => {
  it('give typed values: defaults, then variables, then flags', () => {
    for (const name of ['TEST_PORT', 'TEST_MODE', 'TEST_NAME', 'TEST_SECRET'])
      vi.stubEnv(name, undefined);
    expect(parse()).toEqual({ port: 8000, mode: 'fast', name: undefined, token: undefined });
    vi.stubEnv('TEST_PORT', '81');
    vi.stubEnv('TEST_NAME', 'box');
    expect(parse()).toMatchObject({ port: 81, name: 'box' });
    expect(parse(['--port', '82', '--mode', 'slow'])).toMatchObject({ port: 82, mode: 'slow' });
    expect(settingDefaults(TABLE)).toEqual({
      port: 8000,
      mode: 'fast',
      name: undefined,
      token: undefined,
    });
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ TEST_PORT: 'http' }, /TEST_PORT.*whole number/],
    [{ TEST_MODE: 'medium' }, /TEST_MODE.*fast, slow/],
  ])('refuses %j, naming the variable', (env, message) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    expect(() => parse()).toThrow(ConfigError);
    expect(() => parse()).toThrow(message);
  });

  it("lets a secret's parser refuse without commander echoing the value", () => {
    vi.stubEnv('TEST_SECRET', 'hunter2');
    expect(() => parse()).toThrow(new ConfigError('TEST_SECRET is malformed (not echoed)'));
  });

  it('say which values were given rather than defaulted', () => {
    vi.stubEnv('TEST_MODE', 'slow');
    const command = settingsCommand('t', 'test', TABLE);
    parseSettings(command, TABLE, ['--port', '1']);
    expect([...explicitSettings(command, TABLE)].sort()).toEqual(['mode', 'port']);
  });

  it('derive --help with every variable, without Markdown', () => {
    const help = settingsCommand('t', 'test', TABLE).helpInformation().replace(/\s+/g, ' ');
    for (const env of ['TEST_PORT', 'TEST_MODE', 'TEST_NAME', 'TEST_SECRET'])
      expect(help).toContain(`env: ${env})`);
    expect(help).toContain('the port (default: 8000');
    expect(help).toContain('who (default: the host name)');
  });

  it('derive the README table', () => {
    expect(settingsMarkdown(TABLE).split('\n')).toEqual([
      '| variable      | flag      | default       | meaning     |',
      '| ------------- | --------- | ------------- | ----------- |',
      '| `TEST_PORT`   | `--port`  | `8000`        | the `port`  |',
      '| `TEST_MODE`   | `--mode`  | `fast`        | how         |',
      '| `TEST_NAME`   | `--name`  | the host name | who         |',
      '| `TEST_SECRET` | `--token` |               | a \\| secret |',
    ]);
  });

  it('replace only the marked section, and insist on the markers', () => {
    const text = 'intro\n<!-- t:start -->\nold\n<!-- t:end -->\noutro\n';
    expect(replaceMarkedSection(text, 't', 'new')).toBe(
      'intro\n<!-- t:start -->\nnew\n<!-- t:end -->\noutro\n',
    );
    expect(() => replaceMarkedSection('no markers', 't', 'new')).toThrow(/<!-- t:start -->/);
    expect(markdownTable(['a'], [])).toBe('| a   |\n| --- |');
  });
});
