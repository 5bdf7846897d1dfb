import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '@app/common';
import { createApp } from './app.factory';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get<ConfigService<AppConfig, true>>(ConfigService);
  await app.listen(config.get('PORT', { infer: true }), config.get('HOST', { infer: true }));
}

bootstrap().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
