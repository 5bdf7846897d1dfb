import { Prop, Schema } from '@nestjs/mongoose';
import type { Stamped } from './versioned-writer';

/**
 * The fields the versioned writer stamps on every record it creates and changes. A module's schema
 * class extends this (`export class Lead extends VersionedRecord`), so every versioned collection
 * stores them alike.
 */
@Schema()
export abstract class VersionedRecord implements Stamped {
  @Prop({ required: true }) createdAt: Date;
  @Prop({ required: true }) updatedAt: Date;
  @Prop({ required: true }) createdBy: string;
  @Prop({ required: true }) updatedBy: string;
  @Prop({ required: true }) version: number;
}
