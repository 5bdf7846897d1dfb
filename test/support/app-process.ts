/**
 * The production application in a process of its own, for tests that must kill an instance for real
 * (SIGKILL: no shutdown hooks, no finally blocks). Started by `startAppProcess` with ts-node; prints one
 * JSON line `{ "url": ... }` on stdout once it listens on a free port.
 */
import { createApp } from '../../src/app.factory';

async function main(): Promise<void> {
  const app = await createApp({ shutdownHooks: true });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ url })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
