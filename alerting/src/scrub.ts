/** Replaces every secret (as is, and URL-encoded) in a text with `***`. */
export type Scrubber = (text: string) => string;

export function createScrubber(secrets: readonly (string | null | undefined)[]): Scrubber {
  const forms = secrets
    .filter((secret): secret is string => typeof secret === 'string' && secret.length > 0)
    .flatMap((secret) => [secret, encodeURIComponent(secret)])
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((scrubbed, form) => scrubbed.replaceAll(form, '***'), text);
}

/**
 * An error as one log-safe line: its name, message and causes, with secrets scrubbed. Errors are
 * never handed to the logger whole, because a Bot API error's cause may quote the request URL,
 * which carries the bot token.
 */
export function describeError(error: unknown, scrub: Scrubber): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(
        `${current.name}: ${current.message}${typeof code === 'string' ? ` (${code})` : ''}`,
      );
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return scrub(parts.join(' <- '));
}
