import { Schema, type Types } from 'mongoose';
import type { Role } from '@app/common';

export const API_KEY_MODEL = 'ApiKey';

/** An API key of the tenant, in its `api_keys` collection. The key itself is never stored. */
export interface ApiKeyRecord {
  _id: Types.ObjectId;
  name: string;
  /** SHA-256 of the key (see hashApiKey): unique. */
  hash: string;
  prefix: string;
  roles: Role[];
  /** Companies the key may see; null: every company of the tenant. */
  companies: string[] | null;
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
  updatedBy: string;
  version: number;
}

export const ApiKeySchema = new Schema<ApiKeyRecord>(
  {
    name: { type: String, required: true },
    hash: { type: String, required: true },
    prefix: { type: String, required: true },
    roles: { type: [String], required: true },
    companies: { type: [String], default: null },
    expiresAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    updatedBy: { type: String, required: true },
    version: { type: Number, required: true },
  },
  { collection: 'api_keys', versionKey: false, autoIndex: false, strict: 'throw' },
);
ApiKeySchema.index({ hash: 1 }, { unique: true });
