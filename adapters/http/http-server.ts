// The HTTP server every channel mounts its routes on (fastify). One place decides how bad input
// is answered: malformed JSON → 400, too large → 413, wrong content type → 415, each with a JSON
// `{"error": "..."}` a developer can read; internal errors are logged, never leaked.

import { Ajv, type ErrorObject } from 'ajv';
import Fastify, { type FastifySchemaCompiler, type FastifyInstance } from 'fastify';
import type { Logger } from '../../dialogs/ports.ts';

export interface HttpServerOptions {
  bodyLimitBytes: number;
  logger: Logger;
  /** Parts that do not work right now, shown by /healthz (Kefu still serves: the answer stays 200). */
  degraded?: () => { part: string; since: string; reason: string }[];
}

interface HttpError extends Error {
  statusCode?: number;
  code?: string;
}

const CLIENT_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed JSON body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty JSON body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported content type; send application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content-length does not match the body',
};

// Fastify's default validator coerces types (42 becomes "42") and silently drops properties a schema
// forbids, so a caller's mistake is handled as if it were a different, valid request. JSON bodies
// carry real types: a route that declares its body exactly takes it as sent or answers 400.
const strictAjv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false });

/** Validates a JSON body exactly as its schema says (no coercion, unknown fields refused); pass as a route's validatorCompiler. */
export const strictBodyValidator: FastifySchemaCompiler<unknown> = ({ schema }) => strictAjv.compile(schema as object);

/** "body/text must be string", or names the field that is not allowed. */
function describeSchemaErrors(errors: ErrorObject[], dataVar: string): Error {
  const first = errors[0];
  if (!first) return new Error(`${dataVar} is invalid`);
  const where = `${dataVar}${first.instancePath}`;
  if (first.keyword === 'additionalProperties') {
    return new Error(`${where} has a field that is not allowed: "${String(first.params.additionalProperty)}"`);
  }
  return new Error(`${where} ${first.message ?? 'is invalid'}`);
}

export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes,
    // Request logging goes through our own masked logger, not fastify's default one.
    logger: false,
    // Keep-alive connections outlive a reload of the client; make them not outlive us on close.
    forceCloseConnections: true,
    schemaErrorFormatter: (errors, dataVar) => describeSchemaErrors(errors as ErrorObject[], dataVar),
  });
  // Fastify parses text/plain as a string by default, which a JSON route can only refuse with a
  // puzzling "body must be object"; without the parser it is a clear 415. A channel that really
  // receives text/plain registers its own parser in its own plugin.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error: HttpError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      options.logger.error({ err: error.message, code: error.code, url: request.url }, 'request failed');
      return reply.status(status).send({ error: 'internal error' });
    }
    const message = (error.code && CLIENT_MESSAGES[error.code]) ?? error.message;
    return reply.status(status).send({ error: message });
  });

  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not found' }));

  // 200 while Kefu answers buyers, also when a part is degraded (a load balancer must not take a
  // process out because Slack is down); `status` and `degraded` say what an operator should look at.
  app.get('/healthz', async () => {
    const degraded = options.degraded?.() ?? [];
    return { ok: true, status: degraded.length > 0 ? 'degraded' : 'ok', degraded };
  });
  return app;
}
