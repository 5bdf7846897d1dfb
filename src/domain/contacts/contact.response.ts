import { ApiProperty } from '@nestjs/swagger';
import { storedNames } from './contact-names';
import type { Contact } from './contact.schema';

export class ContactResponse {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String, example: 'John' }) firstName: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Doe' }) lastName: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'John Doe',
    description: 'Derived: firstName and lastName joined; null for a contact with only an email',
  })
  name: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty() isPrimary: boolean;
}

export function toContactResponse(c: Contact): ContactResponse {
  return {
    id: c._id.toHexString(),
    ...storedNames(c),
    email: c.email ?? null,
    phone: c.phone ?? null,
    title: c.title ?? null,
    isPrimary: c.isPrimary,
  };
}
