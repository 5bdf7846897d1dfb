/**
 * Pure duplicate detection over a bounded set of customers (see CustomerDuplicatesService for the cap).
 *
 * Evidence, each an exact key after normalisation, except names:
 * - `email`: the customer's and its contacts' emails, trimmed and lower-cased.
 * - `domain`: the website's host without scheme, `www.` and path, and the domain of business emails
 *   (free-mail domains such as gmail.com say nothing about the organisation and are ignored).
 * - `phone`: digits only, the last 9 (a national number without its country or trunk prefix, so
 *   "+44 20 7946 0018" and "020 7946 0018" meet); fewer than 9 digits is not evidence.
 * - `name`: the name folded (accents, case, punctuation, "&" → "and") with legal forms and "the"
 *   dropped ("ACME Corp." = "Acme Corporation" = "acme"), then equal, or similar by the Dice
 *   coefficient of word trigrams (pg_trgm's padding) ≥ 0.8. Trigrams rather than Jaro-Winkler: word
 *   order does not matter ("Widgets Acme"), one typo or a plural costs little ("Initech"/"Initec"
 *   0.80, "Northwind Traders"/"Trader" 0.91), and a shared prefix alone does not make a match, which
 *   Jaro-Winkler rewards ("Acme Widgets"/"Acme Gadgets" is 0.69 here, ~0.92 there). Names are only
 *   compared within blocks sharing a word's first three letters (no all-pairs scan).
 *
 * A key shared by more than MAX_KEY_SHARE customers (a reseller's domain, a switchboard) is not
 * evidence. Customers linked by any evidence form one group (connected components).
 */

export enum DuplicateReason {
  EMAIL = 'email',
  DOMAIN = 'domain',
  PHONE = 'phone',
  NAME = 'name',
}

/** What duplicate detection reads of a customer. */
export interface DuplicateCandidate {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  website: string | null;
  contacts: ReadonlyArray<{ email?: string | null; phone?: string | null }>;
}

export interface DuplicateLink {
  reasons: DuplicateReason[];
  /** 0..1, from the reasons (see scoreOf). */
  score: number;
}

export interface DuplicateGroup extends DuplicateLink {
  /** Member ids, in the order of the input. */
  ids: string[];
}

export const NAME_SIMILARITY = 0.8;
export const MAX_KEY_SHARE = 25;
const MAX_NAME_BLOCK = 200;
const PHONE_DIGITS = 9;

/** How strongly each reason alone says "the same organisation". */
const WEIGHT: Record<DuplicateReason, number> = {
  [DuplicateReason.EMAIL]: 0.9,
  [DuplicateReason.PHONE]: 0.7,
  [DuplicateReason.DOMAIN]: 0.6,
  [DuplicateReason.NAME]: 0.6,
};

const FREE_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'hotmail.com',
  'hotmail.co.uk',
  'outlook.com',
  'live.com',
  'msn.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'zoho.com',
  'qq.com',
  '163.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'libero.it',
]);

const LEGAL_FORMS = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'llc',
  'llp',
  'lp',
  'plc',
  'gmbh',
  'ag',
  'kg',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'oy',
  'ab',
  'as',
  'aps',
  'pty',
  'kk',
  'the',
]);

export function emailKey(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase();
  return e && e.includes('@') ? e : null;
}

/** The organisation domain of an email, unless it is a free-mail provider's. */
export function emailDomain(email: string | null | undefined): string | null {
  const e = emailKey(email);
  const domain = e?.slice(e.lastIndexOf('@') + 1).replace(/^www\./, '');
  return domain && !FREE_MAIL.has(domain) ? domain : null;
}

/** "https://www.Acme.com/about" → "acme.com". */
export function websiteDomain(website: string | null | undefined): string | null {
  const raw = website?.trim().toLowerCase();
  if (!raw) return null;
  const host = raw
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .split(/[/?#]/)[0]
    .replace(/:\d+$/, '')
    .replace(/^www\./, '');
  return host.includes('.') ? host : null;
}

export function phoneKey(phone: string | null | undefined): string | null {
  const digits = phone?.replace(/\D/g, '') ?? '';
  return digits.length >= PHONE_DIGITS ? digits.slice(-PHONE_DIGITS) : null;
}

/** "The ACME Widgets, Inc." → "acme widgets". */
export function nameKey(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\./g, '') // "S.A." is "sa"
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter(Boolean);
  const kept = words.filter((w) => !LEGAL_FORMS.has(w));
  return (kept.length ? kept : words).join(' ');
}

function trigrams(key: string): Set<string> {
  const out = new Set<string>();
  for (const word of key.split(' ')) {
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  }
  return out;
}

/** Dice coefficient of the word trigrams of two name keys (1: same trigrams). */
export function nameSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const ta = trigrams(a);
  const tb = trigrams(b);
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return ta.size + tb.size ? (2 * shared) / (ta.size + tb.size) : 0;
}

/** 1 − Π(1 − weight): each further reason raises the score, none alone reaches 1. */
export function scoreOf(reasons: Iterable<DuplicateReason>): number {
  let miss = 1;
  for (const r of new Set(reasons)) miss *= 1 - WEIGHT[r];
  return Math.round((1 - miss) * 100) / 100;
}

const ORDER = Object.values(DuplicateReason);
const pairKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** Every pair of candidates with evidence, by `i:j` (indexes into `candidates`, i < j). */
export function duplicateLinks(candidates: readonly DuplicateCandidate[]): Map<string, Set<DuplicateReason>> {
  const links = new Map<string, Set<DuplicateReason>>();
  const link = (a: number, b: number, reason: DuplicateReason) => {
    if (a === b) return;
    const key = pairKey(a, b);
    const set = links.get(key) ?? new Set<DuplicateReason>();
    set.add(reason);
    links.set(key, set);
  };
  const buckets = new Map<string, number[]>();
  const put = (key: string | null, i: number) => {
    if (!key) return;
    const bucket = buckets.get(key) ?? [];
    if (bucket[bucket.length - 1] !== i) bucket.push(i);
    buckets.set(key, bucket);
  };
  const names = candidates.map((c) => nameKey(c.name));
  candidates.forEach((c, i) => {
    const people = c.contacts ?? [];
    for (const e of [c.email, ...people.map((p) => p.email)]) {
      put(`${DuplicateReason.EMAIL}|${emailKey(e) ?? ''}`, i);
      put(`${DuplicateReason.DOMAIN}|${emailDomain(e) ?? ''}`, i);
    }
    put(`${DuplicateReason.DOMAIN}|${websiteDomain(c.website) ?? ''}`, i);
    for (const p of [c.phone, ...people.map((x) => x.phone)]) put(`${DuplicateReason.PHONE}|${phoneKey(p) ?? ''}`, i);
    for (const w of new Set(names[i].split(' '))) if (w.length >= 3) put(`block|${w.slice(0, 3)}`, i);
  });
  for (const [key, members] of buckets) {
    const [kind, value] = key.split('|', 2);
    if (!value) continue;
    if (kind === 'block') {
      if (members.length > MAX_NAME_BLOCK) continue;
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) {
          const [a, b] = [members[x], members[y]];
          if (nameSimilarity(names[a], names[b]) >= NAME_SIMILARITY) link(a, b, DuplicateReason.NAME);
        }
      }
      continue;
    }
    if (members.length < 2 || members.length > MAX_KEY_SHARE) continue;
    // Every pair of the bucket shares the key (the per-customer answer needs each pair's reasons).
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) link(members[x], members[y], kind as DuplicateReason);
    }
  }
  return links;
}

function sorted(reasons: Iterable<DuplicateReason>): DuplicateReason[] {
  const set = new Set(reasons);
  return ORDER.filter((r) => set.has(r));
}

/** Groups of candidates linked by any evidence, best first (score, then size). */
export function duplicateGroups(candidates: readonly DuplicateCandidate[]): DuplicateGroup[] {
  const links = duplicateLinks(candidates);
  const parent = candidates.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (const key of links.keys()) {
    const [a, b] = key.split(':').map(Number);
    parent[find(a)] = find(b);
  }
  const members = new Map<number, number[]>();
  const reasons = new Map<number, Set<DuplicateReason>>();
  for (const [key, why] of links) {
    const root = find(Number(key.split(':')[0]));
    const set = reasons.get(root) ?? new Set<DuplicateReason>();
    for (const r of why) set.add(r);
    reasons.set(root, set);
  }
  candidates.forEach((_, i) => {
    const root = find(i);
    if (reasons.has(root)) members.set(root, [...(members.get(root) ?? []), i]);
  });
  return [...members.entries()]
    .map(([root, idx]) => {
      const why = sorted(reasons.get(root) ?? []);
      return { ids: idx.map((i) => candidates[i].id), reasons: why, score: scoreOf(why) };
    })
    .sort((x, y) => y.score - x.score || y.ids.length - x.ids.length || x.ids[0].localeCompare(y.ids[0]));
}

/** The candidates linked to `id` directly, each with its own reasons, best first. */
export function duplicatesOf(
  id: string,
  candidates: readonly DuplicateCandidate[],
): Array<DuplicateLink & { id: string }> {
  const self = candidates.findIndex((c) => c.id === id);
  if (self < 0) return [];
  const out: Array<DuplicateLink & { id: string }> = [];
  for (const [key, why] of duplicateLinks(candidates)) {
    const [a, b] = key.split(':').map(Number);
    if (a !== self && b !== self) continue;
    const reasons = sorted(why);
    out.push({ id: candidates[a === self ? b : a].id, reasons, score: scoreOf(reasons) });
  }
  return out.sort((x, y) => y.score - x.score || x.id.localeCompare(y.id));
}
