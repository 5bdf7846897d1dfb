import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const mongo = globalThis.__EMBEDDED_MONGO__;
  if (!mongo) return;
  await mongo.stop();
  rmSync(mongo.dataDir, { recursive: true, force: true });
  delete process.env.MONGODB_URI;
}
