import { PageQueryDto } from '@app/common';

/** `limit` (default 50) and `cursor` of every audit read. */
export class AuditPageQueryDto extends PageQueryDto {}
