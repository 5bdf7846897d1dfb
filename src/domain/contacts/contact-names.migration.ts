import type { RecordLock } from '@app/tenancy';
import { hasLegacyNames } from './contact-names';
import { withCurrentNames } from './contact-rules';
import type { Contact } from './contact.schema';

/**
 * Finds every record (customer, lead) with a contact stored before first and last names existed: a
 * `name`, and no firstName/lastName (missing, or null as mongoose's default fills them in on a later
 * write). FerretDB's `$elemMatch` takes no field conditions, so this is per-path and may also match a
 * record whose conditions hold on different contacts: the migration checks each record exactly.
 */
export const LEGACY_CONTACTS_FILTER = {
  'contacts.firstName': null,
  'contacts.lastName': null,
  'contacts.name': { $ne: null },
} as const;

/** What the contact-names migration needs of a repository. */
export interface LegacyContactsStore {
  /** Ids above `after`, ascending, of up to `limit` records matching LEGACY_CONTACTS_FILTER (deleted ones included). */
  idsWithLegacyContacts(after: string | null, limit: number): Promise<string[]>;
  findById(id: string): Promise<{ version: number; contacts: Contact[] } | null>;
  /** Replaces the contacts only if the record is still at `version`; no new version (nothing a client sees changes). */
  replaceContacts(id: string, version: number, contacts: Contact[]): Promise<boolean>;
}

const BATCH = 200;

/**
 * Rewrites every legacy contact of the current tenant's records into today's shape (first and last
 * name split from `name`, exactly as reads already show them), under the record's lock so that no
 * concurrent write is lost. What clients see does not change, so there is no new version, audit entry
 * or event. Idempotent: a second run finds nothing to do.
 */
export async function migrateContactNames(
  store: LegacyContactsStore,
  lock: RecordLock,
  entityType: string,
): Promise<number> {
  let total = 0;
  let after: string | null = null;
  for (;;) {
    const ids = await store.idsWithLegacyContacts(after, BATCH);
    for (const id of ids) {
      const done = await lock.run(`${entityType}:${id}`, async () => {
        const record = await store.findById(id);
        if (!record || !record.contacts.some(hasLegacyNames)) return false;
        return store.replaceContacts(id, record.version, withCurrentNames(record.contacts));
      });
      if (done) total++;
    }
    if (ids.length < BATCH) return total;
    after = ids[ids.length - 1];
  }
}
