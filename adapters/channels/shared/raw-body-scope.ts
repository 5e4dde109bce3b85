// Webhook routes need the request body exactly as the platform sent it: the signature is computed
// over those bytes, and JSON.parse → JSON.stringify would change them (spacing, key order, escapes,
// big numbers). Routes registered inside this scope receive `request.body` as a Buffer, whatever
// the content type; the scope is encapsulated, so the rest of the server keeps its JSON parsing.
// Bodies over the server's limit are refused by fastify with 413 before any code here runs.

import type { FastifyInstance } from 'fastify';

export async function registerRawBodyScope(app: FastifyInstance, routes: (scope: FastifyInstance) => void): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    routes(scope);
  });
}

/** The raw body of a request in a raw-body scope (an empty Buffer when the request had none). */
export function rawBodyOf(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

/** Parses a raw JSON body; null when it is not a JSON object. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
