/** Telegram's limit for a button's callback_data, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** An inline button (Bot API InlineKeyboardButton with callback_data ≤ 64 bytes). */
export interface Button {
  text: string;
  callback_data: string;
}

/** Rows of inline buttons. */
export type Keyboard = Button[][];

/** The `reply_markup` of a message with these buttons; nothing for an empty keyboard. */
export function markup(keyboard: Keyboard | undefined): {
  reply_markup?: { inline_keyboard: Keyboard };
} {
  return keyboard && keyboard.length > 0 ? { reply_markup: { inline_keyboard: keyboard } } : {};
}
