import { type AppConfig, appSettings } from '@app/common';
import { createApp } from './app.factory';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get<AppConfig>(appSettings.KEY);
  await app.listen(config.PORT, config.HOST);
}

bootstrap().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
