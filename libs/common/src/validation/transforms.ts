import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsString, Length } from 'class-validator';
import { normaliseEmail, normalisePhone, normaliseTags, normaliseWebsite } from './normalise';

export const OBJECT_ID = /^[0-9a-f]{24}$/;

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

/** A list of tags: strings of 1-50 characters (after normalising), at most `max` of them. */
export const TagList = (max: number): PropertyDecorator =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(max),
    IsString({ each: true }),
    Length(1, 50, { each: true }),
    Transform(toTags),
  );

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** `true/1/yes/on` and `false/0/no/off` (any case) from a query string as a boolean; anything else is left to be refused. */
export const toQueryBoolean = ({ value }: In): unknown => {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value;
};

/** A boolean query parameter, in the usual spellings (`?dryRun=true`, `=1`, `=yes`, `=on`; `false/0/no/off`). */
export const QueryBoolean = (): PropertyDecorator => applyDecorators(Transform(toQueryBoolean), IsBoolean());
