import { normaliseEmail, normalisePhone, normaliseTags, normaliseWebsite } from '@app/common';

/**
 * @Transform helpers. Each normalises a well-typed value and passes anything else through
 * unchanged, so the validators after it see (and reject) the client's actual input.
 */
type In = { value: unknown };

export const trim = ({ value }: In): unknown => (typeof value === 'string' ? value.trim() : value);

export const toEmail = ({ value }: In): unknown => (typeof value === 'string' ? normaliseEmail(value) : value);

export const toPhone = ({ value }: In): unknown =>
  typeof value === 'string' ? (normalisePhone(value) ?? value) : value;

export const toWebsite = ({ value }: In): unknown =>
  typeof value === 'string' ? (normaliseWebsite(value) ?? value) : value;

export const toTags = ({ value }: In): unknown =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? normaliseTags(value as string[]) : value;

/** Query strings: `tag=a` and `tag=a&tag=b` both become an array. */
export const toTagQuery = ({ value }: In): unknown => toTags({ value: typeof value === 'string' ? [value] : value });
