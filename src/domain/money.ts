/**
 * Money is kept in integer minor units (cents) as a plain number: exact up to 2^53 cents, no float
 * drift, and `$inc`/`$sum` work on it on every server. The API speaks major units with at most two
 * decimals; these are the only conversions.
 */
export const toMinor = (major: number): number => Math.round(major * 100);

/** Cents → major units; integer division by 100 prints exactly (1999 → 19.99). */
export const toMajor = (minor: number): number => minor / 100;
