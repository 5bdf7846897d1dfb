import { Injectable } from '@nestjs/common';

/** The one tenant database the baseline routes read, set by the scenario before it runs. */
@Injectable()
export class FixedTenant {
  dbName = '';
}
