// The HTTP server every channel mounts its routes on (fastify). One place decides how bad input
// is answered: malformed JSON → 400, too large → 413, wrong content type → 415, each with a JSON
// `{"error": "..."}` a developer can read; internal errors are logged, never leaked.

import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../../dialogs/ports.ts';

export interface HttpServerOptions {
  bodyLimitBytes: number;
  logger: Logger;
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

export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes,
    // Request logging goes through our own masked logger, not fastify's default one.
    logger: false,
    // Keep-alive connections outlive a reload of the client; make them not outlive us on close.
    forceCloseConnections: true,
  });

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

  app.get('/healthz', async () => ({ ok: true }));
  return app;
}
