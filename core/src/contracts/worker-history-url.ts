/** The history endpoint of `worker`, next to the status document at `statusUrl`. */
export function workerHistoryUrl(statusUrl: string, worker: string): string {
  const [path = '', query] = statusUrl.split('?', 2);
  const base = path.replace(/\/+$/, '');
  return `${base}/${encodeURIComponent(worker)}/history${query === undefined ? '' : `?${query}`}`;
}
