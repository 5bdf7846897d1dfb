import helmet from '@fastify/helmet';
import { BadRequestException, type INestApplication, NotFoundException } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { Logger } from 'nestjs-pino';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { parse as parseQuery } from 'qs';
import {
  type AppConfig,
  appSettings,
  bodyLimitBytes,
  classify,
  installRequestDeadline,
  installResponseConventions,
  registerJsonBodyParser,
  requestIdOf,
  sendProblem,
} from '@app/common';
import { installRealtimeAdapter } from './modules/realtime';

export const API_PREFIX = 'api/v1';

/** Longest path parameter the router matches; Node's header size limit bounds the URL anyway. */
const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * The HTTP platform: Fastify, answering as the API always has. Paths are case-insensitive and a
 * trailing slash is optional; query strings are read by qs (`tag=a&tag=b`, `tag[]=a`, `a[b]=c`);
 * the request id (`X-Request-Id` or a fresh UUID) is Fastify's own; a path that is not valid
 * percent-encoding goes through the error handler (a problem+json 400); connection timeouts and
 * the answer to a request that is not HTTP at all are Node's.
 */
export function createHttpAdapter(): FastifyAdapter {
  const options: FastifyServerOptions = {
    genReqId: requestIdOf,
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      maxParamLength: MAX_PARAM_LENGTH,
      querystringParser: (query) => parseQuery(query, { allowPrototypes: true }),
    },
    frameworkErrors: (_err, req, reply) =>
      sendProblem(
        req as FastifyRequest,
        reply as FastifyReply,
        classify(new BadRequestException('The request path is not valid percent-encoding.')),
      ),
    keepAliveTimeout: 5_000,
    requestTimeout: 300_000,
    clientErrorHandler: answerLikeNode,
  };
  const adapter = new FastifyAdapter(options);
  // As with Express, a route parameter never matches an empty segment (`/companies//` is a 404).
  adapter.getInstance().addHook('preHandler', (req, _reply, done) => {
    const params = Object.values(req.params as Record<string, string>);
    done(params.includes('') ? new NotFoundException(`Cannot ${req.method} ${req.originalUrl}`) : undefined);
  });
  return adapter;
}

const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** Node's own answer to a request it cannot parse: a bare status line, then the socket closes. */
function answerLikeNode(err: NodeJS.ErrnoException, socket: Socket): void {
  if (socket.writable && socket.bytesWritten === 0) {
    const status = CLIENT_ERROR_STATUS[err.code ?? ''] ?? 400;
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy(err);
}

/**
 * Everything that must be set on the application object rather than in a module. Production
 * (main.ts), the dev launcher, the tests and the benchmarks all call this one function.
 */
export function configureApp(app: NestFastifyApplication, opts: { shutdownHooks?: boolean } = {}): INestApplication {
  const config = app.get<AppConfig>(appSettings.KEY);
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  installRequestDeadline(fastify, config.REQUEST_TIMEOUT_MS);
  registerJsonBodyParser(fastify, bodyLimitBytes(config.BODY_LIMIT));
  installResponseConventions(fastify);
  void app.register(helmet);
  const origins = config.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  app.enableCors({
    origin: origins.length ? origins : false,
    methods: 'GET,HEAD,PUT,PATCH,POST,DELETE',
    // A preflight without Origin or Access-Control-Request-Method is answered, not refused.
    strictPreflight: false,
    exposedHeaders: 'ETag,Retry-After,X-Request-Id,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset',
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/ready'] });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('tenant-crm')
      .setDescription('Multi-tenant CRM API. Every error is application/problem+json (RFC 9457).')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  installRealtimeAdapter(app);
  // The dev launcher handles signals itself, to stop its embedded database after the app.
  if (opts.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
}
