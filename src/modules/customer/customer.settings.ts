import { IsInt, Max, Min } from 'class-validator';
import { defineSettings, EnvInt } from '@app/common';

export class CustomerSettings {
  /** Days a soft-deleted customer is kept (restorable) before housekeeping removes it for good. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(3650)
  CUSTOMER_PURGE_AFTER_DAYS = 30;
}

export const customerSettings = defineSettings('customer', CustomerSettings);
