import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { applyGlobalPrefix, configureApp, createHttpAdapter } from './app.setup';
import { createOpenApiDocument, type OpenApiOptions } from './swagger';

/** The configured application, not yet listening. */
export async function createApp(opts: { shutdownHooks?: boolean } = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, opts);
  return app;
}

/**
 * The OpenAPI document the running application serves at /docs-json, built without a database:
 * in preview mode Nest reads the modules, controllers and decorators but runs no provider.
 */
export async function createOfflineOpenApiDocument(opts: OpenApiOptions): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), {
    preview: true,
    logger: false,
    bodyParser: false,
  });
  try {
    applyGlobalPrefix(app);
    return createOpenApiDocument(app, opts);
  } finally {
    await app.close();
  }
}
