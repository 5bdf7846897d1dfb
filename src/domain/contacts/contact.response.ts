import { ApiProperty } from '@nestjs/swagger';
import type { Contact } from './contact.schema';

export class ContactResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty() isPrimary: boolean;
}

export function toContactResponse(c: Contact): ContactResponse {
  return {
    id: c._id.toHexString(),
    name: c.name,
    email: c.email ?? null,
    phone: c.phone ?? null,
    title: c.title ?? null,
    isPrimary: c.isPrimary,
  };
}
