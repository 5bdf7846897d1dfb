import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import type { mongo, Types } from 'mongoose';
import { trim } from '@app/common';

export const MAX_EXTERNAL_ID = 200;
/** Printable text without control characters (it is shown, exported and matched exactly). */
const EXTERNAL_ID_PATTERN = /^[^\p{Cc}]+$/u;

/**
 * The key that makes `externalId` unique per tenant: `x:<externalId>` when set, else `id:<_id>`.
 *
 * A unique index on an optional `externalId` would need `sparse` (or a partial index) so that the
 * records without one do not collide on null: FerretDB ignores `sparse` and has no partial indexes.
 * So every record stores a key that is always set and always its own: the external id when it has
 * one, its own `_id` when it has none. One plain unique index on it is correct on FerretDB and on
 * MongoDB alike, and the prefixes keep the two kinds from ever meeting.
 */
export function externalKeyOf(id: Types.ObjectId | string, externalId: string | null | undefined): string {
  return externalId ? `x:${externalId}` : `id:${typeof id === 'string' ? id : id.toHexString()}`;
}

/** The filter that finds the record with this external id (exact, index-backed). */
export function externalIdFilter(externalId: string): { externalKey: string } {
  return { externalKey: `x:${externalId}` };
}

/** `externalId` on a body: trimmed, 1-200 printable characters; null clears it (on PATCH). */
export function ExternalIdField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      nullable: true,
      maxLength: MAX_EXTERNAL_ID,
      example: 'erp-10042',
      description: 'Your own id of the record (another system, a spreadsheet): unique in the tenant when set',
    }),
    IsOptional(),
    Transform(trim),
    IsString(),
    Length(1, MAX_EXTERNAL_ID),
    Matches(EXTERNAL_ID_PATTERN, { message: 'externalId must not contain control characters' }),
  );
}

/** `externalId` as a list filter. */
export function ExternalIdQuery(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: String, maxLength: MAX_EXTERNAL_ID, description: 'Exactly this externalId' }),
    IsOptional(),
    IsString(),
    Length(1, MAX_EXTERNAL_ID),
    Matches(EXTERNAL_ID_PATTERN, { message: 'externalId must not contain control characters' }),
  );
}

/**
 * Gives every record stored before externalId its key (`id:<_id>`), without a new version (it
 * changes nothing a client sees). For a repository's migration (it passes its collection); returns
 * how many records it changed.
 */
export async function fillExternalKeys(collection: mongo.Collection, batch = 500): Promise<number> {
  let changed = 0;
  for (;;) {
    const rows = await collection
      .find({ externalKey: { $exists: false } }, { projection: { _id: 1 } })
      .limit(batch)
      .toArray();
    if (!rows.length) return changed;
    for (const r of rows) {
      const id = r._id as unknown as Types.ObjectId;
      const res = await collection.updateOne(
        { _id: id, externalKey: { $exists: false } },
        { $set: { externalKey: externalKeyOf(id, null) } },
      );
      changed += res.modifiedCount;
    }
  }
}
