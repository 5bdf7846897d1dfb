import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Types } from 'mongoose';

/** A person at a customer or lead, stored inside its document. */
@Schema({ versionKey: false, strict: 'throw' })
export class Contact {
  _id: Types.ObjectId;

  @Prop({ type: String, default: null })
  firstName: string | null;

  @Prop({ type: String, default: null })
  lastName: string | null;

  /**
   * The display name, always derived from firstName and lastName when the contact is written
   * ("First Last"). Contacts stored before first and last names existed hold only this (see
   * storedNames in contact-names.ts, and the contact-names migration).
   */
  @Prop({ type: String, default: null })
  name: string | null;

  @Prop({ type: String, default: null })
  email: string | null;

  @Prop({ type: String, default: null })
  phone: string | null;

  @Prop({ type: String, default: null })
  title: string | null;

  @Prop({ required: true, default: false })
  isPrimary: boolean;
}

export const ContactSchema = SchemaFactory.createForClass(Contact);

/** At most this many contacts per customer or lead. */
export const MAX_CONTACTS = 50;
