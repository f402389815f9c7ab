import type { HistoryActor } from './history/history-event.js';

/** A Telegram user as updates carry them (`message.from`, `callback_query.from`). */
export interface TelegramUser {
  id: number;
  username?: string;
  first_name?: string;
}

/**
 * Whether a Telegram user may write: requeue or purge dead letters, acknowledge, silence, start
 * or end maintenance. The one allowlist (TELEGRAM_ALLOWED_USER_IDS) for every command and button
 * that changes something; null = nobody, the bot is read-only.
 */
export function isAllowedUser(
  allowedUserIds: readonly number[] | null,
  user: TelegramUser | undefined,
): boolean {
  return user !== undefined && (allowedUserIds?.includes(user.id) ?? false);
}

/** Who did it, for the history: the user id and the name people know them by. */
export function historyActor(user: TelegramUser): HistoryActor {
  return { id: user.id, name: user.username ?? user.first_name ?? '' };
}
