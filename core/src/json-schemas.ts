import { z } from 'zod';
import { FleetFileSchema } from './contracts/fleet.js';
import { HeartbeatSchema } from './contracts/heartbeat.js';
import { StatusDocumentSchema } from './contracts/status-document.js';
import { WorkerHistorySchema } from './contracts/worker-history.js';

/**
 * JSON Schema files generated from the runtime schemas, so workers in other languages
 * validate against the same contract. Committed under core/schema/; a test keeps them in step.
 */
export function jsonSchemaFiles(): Record<string, string> {
  const render = (schema: z.ZodType, io: 'input' | 'output') =>
    `${JSON.stringify(z.toJSONSchema(schema, { io, target: 'draft-2020-12' }), null, 2)}\n`;
  return {
    'heartbeat.schema.json': render(HeartbeatSchema, 'input'),
    'status-document.schema.json': render(StatusDocumentSchema, 'output'),
    'fleet-file.schema.json': render(FleetFileSchema, 'input'),
    'worker-history.schema.json': render(WorkerHistorySchema, 'output'),
  };
}
