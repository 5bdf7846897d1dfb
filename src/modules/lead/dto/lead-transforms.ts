import { Transform } from 'class-transformer';
import { normaliseEmail, normalisePhone, normaliseTags, normaliseWebsite } from '@app/common';

type Fn = (v: string) => string | null;

/** Applies a normaliser to strings; anything else (or a failed normalisation) goes to the validator as is. */
function normaliseWith(fn: Fn) {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    return fn(value) ?? value;
  });
}

export const TrimString = () => normaliseWith((v) => v.trim());
export const NormaliseEmail = () => normaliseWith(normaliseEmail);
export const NormalisePhone = () => normaliseWith(normalisePhone);
export const NormaliseWebsite = () => normaliseWith(normaliseWebsite);
export const NormaliseTags = () =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) && value.every((v) => typeof v === 'string') ? normaliseTags(value) : value,
  );
