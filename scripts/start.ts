import { TokenService } from '@app/auth';
import { type AppConfig, appSettings, readAppSettings, Role } from '@app/common';
import { TenantRunner } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';
import { openDatabase } from './embedded-db';

const DEMO_TENANT = 'demo';
const VERBOSE_LEVELS = ['info', 'debug', 'trace'];
const DEMO_COMPANY = 'Demo Company';

/**
 * `npm start`: the service with everything it needs on a fresh machine. Without MONGODB_URI it
 * runs an embedded FerretDB; it provisions a demo tenant with one company (idempotent), and
 * prints where the API and its docs are, with a platform token and a demo admin token.
 */
async function main(): Promise<void> {
  const config = readAppSettings();
  const db = await openDatabase();
  process.env.MONGODB_URI = db.uri;
  // Start-up is logged at warn and above only: a hundred lines of module and route registration
  // would bury the banner. The configured level applies from the banner on.
  const quietStart = VERBOSE_LEVELS.includes(config.LOG_LEVEL);
  if (quietStart) process.env.LOG_LEVEL = 'warn';

  // Imported only now: the application reads its configuration when its module loads.
  const { createApp } = await import('../src/app.factory');
  const { TenantService } = await import('../src/modules/tenant');
  const { CompanyService } = await import('../src/modules/company');

  const app = await createApp({ shutdownHooks: false });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the API${db.embedded ? ' and the embedded FerretDB' : ''}...\n`);
    await app.close().catch(() => undefined);
    await db.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const cfg = app.get<AppConfig>(appSettings.KEY);
  const port = cfg.PORT;
  await app.listen(port, cfg.HOST);

  const demo = await app.get(TenantService).ensure({ slug: DEMO_TENANT, name: 'Demo tenant' }, 'bootstrap');
  const companyId = await app.get(TenantRunner).runInTenant(DEMO_TENANT, async () => {
    const companies = app.get(CompanyService);
    const existing = (await companies.list()).find((c) => c.name === DEMO_COMPANY);
    return (existing ?? (await companies.create({ name: DEMO_COMPANY }))).id;
  });

  const tokens = app.get(TokenService);
  const platform = tokens.sign({ sub: 'operator', roles: [Role.PLATFORM] }, '7d');
  const admin = tokens.sign({ sub: 'demo-admin', tid: DEMO_TENANT, tuid: demo.uid, roles: [Role.ADMIN] }, '7d');
  const base = `http://localhost:${port}`;
  process.stdout.write(
    [
      '',
      'tenant-crm is running',
      `  API:            ${base}/api/v1`,
      `  Docs (Swagger): ${base}/docs   (OpenAPI JSON: ${base}/docs-json)`,
      `  Health:         ${base}/health/ready`,
      `  Database:       ${db.embedded ? `embedded FerretDB at ${db.uri} (data in ${config.DATA_DIR}/ferretdb)` : 'MONGODB_URI'}`,
      `  Demo tenant:    ${DEMO_TENANT}, company ${DEMO_COMPANY} (id ${companyId})`,
      '',
      `  Platform token (7 days):   ${platform}`,
      `  Demo admin token (7 days): ${admin}`,
      '',
      `  Try: curl -H "Authorization: Bearer <demo admin token>" ${base}/api/v1/companies`,
      '  More tokens: npm run token -- --tenant demo --user u1 --role member',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  if (quietStart) PinoLogger.root.level = config.LOG_LEVEL;
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
