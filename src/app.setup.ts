import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@app/common';
import { installRealtimeAdapter } from './modules/realtime/realtime-io.adapter';

export const API_PREFIX = 'api/v1';

/**
 * Everything that must be set on the application object rather than in a module. Production
 * (main.ts), the dev launcher, the tests and the benchmarks all call this one function.
 */
export function configureApp(app: NestExpressApplication, opts: { shutdownHooks?: boolean } = {}): INestApplication {
  const config = app.get<ConfigService<AppConfig, true>>(ConfigService);
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  app.use(helmet());
  const origins = config
    .get('CORS_ORIGINS', { infer: true })
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  app.enableCors({
    origin: origins.length ? origins : false,
    exposedHeaders: [
      'ETag',
      'Retry-After',
      'X-Request-Id',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
    ],
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
