import { join } from 'node:path';
import type { OpenApiOptions } from './openapi-document';

/** The committed copy of the document, relative to the repository root. */
export const COMMITTED_OPENAPI_FILE = join('openapi', 'openapi.json');

/** The committed copy names the local development server; a deployment serves its own PUBLIC_URL. */
export const COMMITTED_OPENAPI_OPTIONS: OpenApiOptions = {
  publicUrl: 'http://localhost:3000',
  environment: 'local development',
};

/** Stable text: two-space JSON and a final newline, as prettier would leave it. */
export function serialiseOpenApi(doc: object): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
