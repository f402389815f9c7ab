// @fleet/simulator: the reference heartbeat writer and a fleet simulator that drives real Redis.

export { SETTINGS, type SimulatorConfig } from './config.js';
export * from './fleet-simulator.js';
export * from './heartbeat-writer.js';
export * from './reliable-queue.js';
export * from './scale-fleet.js';
export * from './scenarios.js';
