import helmet from '@fastify/helmet';
import { BadRequestException, type INestApplication, NotFoundException } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyHttpOptions, FastifyReply, FastifyRequest } from 'fastify';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { parse as parseQuery } from 'qs';
import {
  type AppConfig,
  appSettings,
  bodyLimitBytes,
  answerClientError,
  classify,
  installRequestDeadline,
  installRequestSizeLimits,
  installResponseConventions,
  registerJsonBodyParser,
  PARSER_HEADER_LIMIT,
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
 * percent-encoding goes through the error handler (a problem+json 400); a request Node's parser
 * refuses (not HTTP, headers beyond PARSER_HEADER_LIMIT, too slow) gets a problem+json answer too.
 */
export function createHttpAdapter(): FastifyAdapter {
  const options: FastifyHttpOptions<Server> = {
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
    // Room above the app's own URL and header limits, so those are answered with a problem body.
    http: { maxHeaderSize: PARSER_HEADER_LIMIT },
    clientErrorHandler: answerClientError,
  };
  const adapter = new FastifyAdapter(options);
  // As with Express, a route parameter never matches an empty segment (`/companies//` is a 404).
  adapter.getInstance().addHook('preHandler', (req, _reply, done) => {
    const params = Object.values(req.params as Record<string, string>);
    done(params.includes('') ? new NotFoundException(`Cannot ${req.method} ${req.originalUrl}`) : undefined);
  });
  return adapter;
}

/**
 * Everything that must be set on the application object rather than in a module. Production
 * (main.ts), the dev launcher, the tests and the benchmarks all call this one function.
 */
export function configureApp(app: NestFastifyApplication, opts: { shutdownHooks?: boolean } = {}): INestApplication {
  const config = app.get<AppConfig>(appSettings.KEY);
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  installRequestSizeLimits(fastify);
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
