/** Telegram's limit for one message's text. */
export const TELEGRAM_MAX_CHARS = 4096;

/** Escapes text for Telegram's HTML parse mode (the only entities it requires). */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The same message without markup, for when Telegram refuses the HTML. */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<\/?[a-z]+>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/**
 * Joins lines into one message of at most `limit` characters. Lines are dropped whole from the end
 * (so no tag or entity is cut in half) and replaced by a note of how many were left out.
 */
export function fitLines(
  lines: string[],
  omittedNote: (count: number) => string,
  limit = TELEGRAM_MAX_CHARS,
): string {
  const whole = lines.join('\n');
  if (whole.length <= limit) return whole;
  let kept = lines.length;
  let text = '';
  do {
    kept -= 1;
    text = [...lines.slice(0, kept), omittedNote(lines.length - kept)].join('\n');
  } while (kept > 0 && text.length > limit);
  return text.slice(0, limit);
}

/** Shortens free text (an error from Redis, a worker's field) before it goes into a message. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
