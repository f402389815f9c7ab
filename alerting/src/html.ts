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

/** Room kept at the end of each part for its `(2/3)` mark. */
const PART_MARK_ROOM = 16;

/**
 * Packs lines into as few messages of at most `limit` characters as it takes; nothing is left
 * out. Lines are never cut, so every tag and entity stays whole; each line must hold its own
 * tags and be shorter than the limit (see `wrapList`). Several parts are numbered `(1/3)` ….
 */
export function splitLines(lines: readonly string[], limit = TELEGRAM_MAX_CHARS): string[] {
  if (lines.join('\n').length <= limit) return [lines.join('\n')];
  const room = limit - PART_MARK_ROOM;
  const parts: string[][] = [[]];
  let length = 0;
  for (const line of lines) {
    const current = parts.at(-1) as string[];
    if (current.length > 0 && length + 1 + line.length > room) {
      parts.push([line]);
      length = line.length;
    } else {
      length += (current.length > 0 ? 1 : 0) + line.length;
      current.push(line);
    }
  }
  // A blank line that opens or closes a part separates nothing.
  const trimmed = parts.map((part) => part.join('\n').replace(/^\n+|\n+$/g, ''));
  return trimmed.map((text, index) => `${text}\n<i>(${index + 1}/${trimmed.length})</i>`);
}

/**
 * `head` followed by the items, comma-separated, wrapped into lines of at most `width`
 * characters (continuation lines indented), so that a long list can be split between messages.
 */
export function wrapList(head: string, items: readonly string[], width = 1000): string[] {
  const lines: string[] = [];
  let line = head;
  for (const [index, item] of items.entries()) {
    const separator = index === 0 ? ' ' : ', ';
    if (index > 0 && line.length + separator.length + item.length > width) {
      lines.push(`${line},`);
      line = `   ${item}`;
    } else {
      line += `${separator}${item}`;
    }
  }
  lines.push(line);
  return lines;
}
