import helmet from '@fastify/helmet';
import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { parse as parseQuery } from 'qs';
import {
  type AppConfig,
  bodyLimitBytes,
  installRequestDeadline,
  installResponseConventions,
  registerJsonBodyParser,
  requestIdOf,
} from '@app/common';
import { installRealtimeAdapter } from './modules/realtime/realtime-io.adapter';

export const API_PREFIX = 'api/v1';

/** Longest path parameter the router matches; Node's header size limit bounds the URL anyway. */
const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * The HTTP platform: Fastify, routing and reading query strings as the API always has. Paths are
 * case-insensitive and a trailing slash is optional; query strings are read by qs (`tag=a&tag=b`,
 * `tag[]=a`, `a[b]=c`); the request id (`X-Request-Id` or a fresh UUID) is Fastify's own.
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    genReqId: requestIdOf,
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      maxParamLength: MAX_PARAM_LENGTH,
      querystringParser: (query) => parseQuery(query, { allowPrototypes: true }),
    },
  });
}

/**
 * Everything that must be set on the application object rather than in a module. Production
 * (main.ts), the dev launcher, the tests and the benchmarks all call this one function.
 */
export function configureApp(app: NestFastifyApplication, opts: { shutdownHooks?: boolean } = {}): INestApplication {
  const config = app.get<ConfigService<AppConfig, true>>(ConfigService);
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  installRequestDeadline(fastify, config.get('REQUEST_TIMEOUT_MS', { infer: true }));
  registerJsonBodyParser(fastify, bodyLimitBytes(config.get('BODY_LIMIT', { infer: true })));
  installResponseConventions(fastify);
  void app.register(helmet);
  const origins = config
    .get('CORS_ORIGINS', { infer: true })
    .split(',')
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
