import { createContext, useContext } from 'react';

/** Opens a worker's detail view; null where no detail view is mounted (e.g. scene tests). */
export const WorkerSelectContext = createContext<((worker: string) => void) | null>(null);

/** What a card or a blade calls to open its worker's detail. */
export function useWorkerSelect(): ((worker: string) => void) | null {
  return useContext(WorkerSelectContext);
}
