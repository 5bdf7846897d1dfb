import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { COMMITTED_OPENAPI_FILE, COMMITTED_OPENAPI_OPTIONS, serialiseOpenApi } from '../src/swagger/openapi-file';

/**
 * `npm run openapi`: writes the OpenAPI document to openapi/openapi.json (committed, so a client
 * team can generate without running the server; a test fails when it is stale). For a copy that
 * names a deployment: `npm run openapi -- --public-url https://crm.example.com --out api.json`.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'public-url': { type: 'string', default: COMMITTED_OPENAPI_OPTIONS.publicUrl },
      environment: { type: 'string', default: COMMITTED_OPENAPI_OPTIONS.environment },
      out: { type: 'string', default: COMMITTED_OPENAPI_FILE },
    },
  });
  // Imported only now: the application reads (and validates) its configuration when its module loads.
  const { createOfflineOpenApiDocument } = await import('../src/app.factory');
  const doc = await createOfflineOpenApiDocument({
    publicUrl: values['public-url'],
    environment: values.environment,
  });
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, serialiseOpenApi(doc));
  process.stdout.write(`OpenAPI document written to ${out} (${Object.keys(doc.paths).length} paths)\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
