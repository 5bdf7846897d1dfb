import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOfflineOpenApiDocument } from '../../src/app.factory';
import { COMMITTED_OPENAPI_FILE, COMMITTED_OPENAPI_OPTIONS, serialiseOpenApi } from '../../src/swagger/openapi-file';

describe('the committed OpenAPI document', () => {
  it('is what `npm run openapi` writes today (run it after changing a route or a DTO, and commit the file)', async () => {
    const fresh = serialiseOpenApi(await createOfflineOpenApiDocument(COMMITTED_OPENAPI_OPTIONS));
    const committed = readFileSync(join(__dirname, '../..', COMMITTED_OPENAPI_FILE), 'utf8');
    expect(committed).toBe(fresh);
  });
});
