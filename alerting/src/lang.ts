/** Message languages: Korean (the team's) by default, English on request. */
export const LANGS = ['ko', 'en'] as const;
export type Lang = (typeof LANGS)[number];
