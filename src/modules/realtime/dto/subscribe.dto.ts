import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** `subscribe` message: follow one company; `sinceSeq` asks for what was missed after that seq. */
export class SubscribeDto {
  @Matches(OBJECT_ID, { message: 'companyId must be a 24-character hex id' })
  companyId: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  sinceSeq?: number;
}

/** `unsubscribe` message: stop following one company. */
export class UnsubscribeDto {
  @Matches(OBJECT_ID, { message: 'companyId must be a 24-character hex id' })
  companyId: string;
}
