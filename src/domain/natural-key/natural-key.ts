import { MAX_TOKEN_LENGTH, normaliseEmail, normaliseWebsite, websiteText, words } from '@app/common';
import { externalIdFilter } from '../external-id';

/** A natural key a client may match records by (batch upsert, import): customers and leads alike. */
export type MatchField = 'email' | 'website' | 'externalId';

/**
 * The filter that finds live records whose `field` equals `value`, normalised as the field is stored
 * (lower-cased email, canonical website, trimmed id). Email and website equality goes through the
 * search-token index (their longest word is one of the record's tokens) and then compares exactly, so
 * it needs no index of its own; externalId has its unique key. Null: the value can match nothing. The
 * value is only ever compared for equality, never used as an operator or a pattern.
 */
export function naturalKeyFilter(field: MatchField, value: string): Record<string, unknown> | null {
  const v = normalisedKey(field, value);
  if (!v) return null;
  if (field === 'externalId') return { ...externalIdFilter(v), deletedAt: null };
  const text = field === 'website' ? websiteText(v) : v;
  const longest = words(text ?? '')
    .map((w) => w.slice(0, MAX_TOKEN_LENGTH))
    .sort((x, y) => y.length - x.length)[0];
  if (!longest) return null;
  return { searchTokens: longest, [field]: v, deletedAt: null };
}

/** `value` as `field` is stored and compared (lower-cased email, canonical website, trimmed id); null: none. */
export function normalisedKey(field: MatchField, value: string): string | null {
  const v = field === 'email' ? normaliseEmail(value) : field === 'website' ? normaliseWebsite(value) : value.trim();
  return v || null;
}
