import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';

/** The configured application, not yet listening. */
export async function createApp(opts: { shutdownHooks?: boolean } = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, opts);
  return app;
}
