import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { BadRequestException, type INestApplication, NotFoundException } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyHttpOptions, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { parse as parseQuery } from 'qs';
import {
  type AppConfig,
  appSettings,
  bodyLimitBytes,
  answerClientError,
  classify,
  DomainError,
  ErrorKind,
  installRequestDeadline,
  installRequestSizeLimits,
  installResponseConventions,
  registerJsonBodyParser,
  PARSER_HEADER_LIMIT,
  requestIdOf,
  sendProblem,
  publicUrlOf,
} from '@app/common';
import { UPLOAD_ROUTES } from './modules/data-exchange';
import { installRealtimeAdapter } from './modules/realtime';
import { createOpenApiDocument } from './swagger';

export const API_PREFIX = 'api/v1';
/** Swagger UI; the document itself is at `/docs-json`. */
export const DOCS_PATH = 'docs';

/** The API answers JSON only: its pages may load, frame and submit nothing. */
const API_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * Swagger UI's page: its own scripts and styles, its inline style block, data: icons, and calls to
 * the API's public URL ("Try it out"). No `upgrade-insecure-requests`: over plain HTTP from another
 * host it would send the page's own assets to https:// and leave it blank.
 */
export function docsContentSecurityPolicy(publicUrl: string): string {
  const api = new URL(publicUrl).origin;
  return [
    "default-src 'self'",
    "base-uri 'self'",
    `connect-src 'self' ${api}`,
    "font-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
  ].join('; ');
}

/** Gives the docs page and its assets their own policy; every other answer keeps the API's. */
function installDocsContentSecurityPolicy(fastify: FastifyInstance, policy: string): void {
  const docs = new RegExp(`^/${DOCS_PATH}(?:[/?]|$)`, 'i');
  fastify.addHook('onSend', (req, reply, payload, done) => {
    if (docs.test(req.url)) reply.header('content-security-policy', policy);
    done(null, payload);
  });
}

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
  // Multipart bodies only where an upload is taken; anywhere else they are a 415 like any non-JSON body.
  adapter.getInstance().addHook('preValidation', (req, _reply, done) => {
    if (!req.isMultipart() || UPLOAD_ROUTES.has(`${req.method} ${req.routeOptions.url}`)) return done();
    req.raw.resume();
    done(
      new DomainError(
        ErrorKind.UNSUPPORTED_MEDIA_TYPE,
        'request.unsupported_media_type',
        'Send the body as application/json.',
      ),
    );
  });
  return adapter;
}

/** Every route under /api/v1 except the health checks (probed by load balancers at fixed paths). */
export function applyGlobalPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/ready'] });
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
  const publicUrl = publicUrlOf(config);
  // Uploads (POST /imports): streamed, one file; the import module bounds its size.
  void app.register(multipart, { limits: { files: 1, fields: 20, fieldSize: 100_000, fileSize: 1024 * 1024 * 1024 } });
  void app.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: API_CSP } });
  installDocsContentSecurityPolicy(fastify, docsContentSecurityPolicy(publicUrl));
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
  applyGlobalPrefix(app);
  const document = createOpenApiDocument(app, {
    publicUrl,
    environment: config.NODE_ENV,
  });
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    // No badge fetched from validator.swagger.io: the docs page's CSP (and an offline network) refuse it.
    swaggerOptions: { validatorUrl: null },
  });
  installRealtimeAdapter(app);
  // The dev launcher handles signals itself, to stop its embedded database after the app.
  if (opts.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
}
