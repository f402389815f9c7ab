import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout. Secrets never reach a line: Redis URLs are logged through
 * `redactUrl`, and any field named like a secret is censored.
 */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['password', 'token', 'botToken', '*.password', '*.token', '*.botToken'],
      censor: '[redacted]',
    },
  });
}

/** A URL fit for a log line: the password (and a Bot API token path segment) replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    parsed.pathname = parsed.pathname.replace(/\/bot[^/]+/, '/bot***');
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
