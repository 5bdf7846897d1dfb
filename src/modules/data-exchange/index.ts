export { DataExchangeModule } from './data-exchange.module';
export {
  ImportDomainEvent,
  ImportEventName,
  IMPORT_PROGRESS,
  IMPORT_REQUEST_PREFIX,
  isImportRequest,
} from './events/import.events';
export { IMPORT_BATCH_ROWS, ImportFailpoint, ImportRunner } from './import/import.runner';
export { ImportService } from './import/import.service';
/** The routes that take multipart/form-data uploads (every other route refuses them with 415). */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set(['POST /api/v1/imports']);
