import { Injectable } from '@nestjs/common';
import { type MaintenanceTask, MaintenanceTaskProvider } from '@app/tenancy';
import { ImportService } from './import.service';

/**
 * Imports left queued or running by an instance that stopped are picked up again (the runner's lease
 * makes sure one instance runs each, and the stored position that no row is applied twice).
 */
@MaintenanceTaskProvider()
@Injectable()
export class ImportResumeTask implements MaintenanceTask {
  readonly name = 'resume imports';

  constructor(private readonly imports: ImportService) {}

  run(): Promise<number> {
    return this.imports.resumeUnfinished();
  }
}
