/**
 * Normalisers for contact data. Each returns the canonical form, or null when the input can not
 * be made valid; DTOs run them in @Transform and keep the raw input on null so that the
 * validator after them reports it.
 */

export const PHONE_PATTERN = /^\+?\d{6,15}$/;

export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** Trimmed, lower-cased, inner whitespace collapsed, empties dropped, duplicates removed. */
export function normaliseTags(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const tag = normaliseTag(v);
    if (tag) out.add(tag);
  }
  return [...out];
}

export function normaliseTag(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** "+1 (555) 123-4567" → "+15551234567"; "0044 20…" → "+4420…"; null unless 6-15 digits. */
export function normalisePhone(value: string): string | null {
  let v = value.trim().replace(/[\s().-]/g, '');
  if (v.startsWith('00')) v = `+${v.slice(2)}`;
  return PHONE_PATTERN.test(v) ? v : null;
}

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * "Acme.com/" → "https://acme.com"; keeps a path, drops fragments and a lone trailing slash.
 * Only http(s) with a real host name: no javascript:, data:, localhost or bare IPs.
 */
export function normaliseWebsite(value: string): string | null {
  const raw = value.trim();
  if (raw.length === 0 || /\s/.test(raw)) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || !HOST.test(url.hostname)) return null;
  url.hash = '';
  const text = url.toString();
  return url.pathname === '/' && !url.search ? text.replace(/\/$/, '') : text;
}
