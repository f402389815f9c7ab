// What the exporter's main port (the one a NAS publishes) adds to its answers: security headers,
// the status document's CORS policy, and no internal addresses in what it tells a browser.
import type { CorsOrigins } from './config.js';

/**
 * Headers of every answer of the main port. The CSP is what the panel needs and no more: its
 * own scripts, its one inline `<style>` (index.html), WebGL canvases, and polls of its own
 * origin; `frameAncestors` says who may frame it.
 */
export function securityHeaders(frameAncestors: string): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "worker-src 'self' blob:",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      `frame-ancestors ${frameAncestors}`,
    ].join('; '),
    'Referrer-Policy': 'same-origin',
  };
}

/** The CORS headers of a status-document answer to a request from `origin` (if any). */
export function corsHeaders(
  policy: CorsOrigins,
  origin: string | undefined,
): Record<string, string> {
  if (policy === '*') return { 'Access-Control-Allow-Origin': '*' };
  if (policy.length === 0) return {};
  // The answer depends on the asking origin: caches must keep one per origin.
  return origin && policy.includes(origin)
    ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
    : { Vary: 'Origin' };
}

const ADDRESS = '<address>';

/**
 * A Redis error as a browser may see it: IP addresses, `host:port` pairs and the name a lookup
 * failed on become `<address>` (the full message is in the exporter's log).
 */
export function redactAddresses(message: string): string {
  return (
    message
      // [v6]:port, v4[:port]
      .replace(/\[[0-9a-f:.]+\](?::\d+)?/gi, ADDRESS)
      .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, ADDRESS)
      // bare v6 with a `::`, or all eight groups
      .replace(
        /(?:[0-9a-f]{0,4}:){1,7}:[0-9a-f]{0,4}(?::\d+)?|\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b/gi,
        ADDRESS,
      )
      // getaddrinfo ENOTFOUND redis.lan / EAI_AGAIN nas
      .replace(/\b(ENOTFOUND|EAI_AGAIN|EAI_FAIL|ENODATA)\s+[^\s,;)]+/g, `$1 ${ADDRESS}`)
      // name:port
      .replace(/\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*:\d{1,5}\b/gi, ADDRESS)
  );
}
