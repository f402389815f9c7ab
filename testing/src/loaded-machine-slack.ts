/**
 * How far past its timeout an answer may come on a loaded 2-CPU machine and still not count as
 * hanging (a hang is what never answers; this only has to tell the two apart).
 */
export const LOADED_MACHINE_SLACK_MS = 2500;
