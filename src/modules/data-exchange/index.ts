export { DataExchangeModule } from './data-exchange.module';
export { ImportDomainEvent, ImportEventName, IMPORT_PROGRESS } from './events/import.events';
export { ImportFailpoint, ImportRunner } from './import/import.runner';
export { ImportService } from './import/import.service';
