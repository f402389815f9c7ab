// The languages are those of every label in core, so that the bot and the panel agree.
export { LANGS, type Lang } from '@fleet/core/contracts';
