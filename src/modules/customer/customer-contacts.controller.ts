import { Body, Controller, Delete, HttpCode, Param, Patch, Post, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@app/auth';
import { ParseObjectIdPipe, Role, VersionETagInterceptor } from '@app/common';
import { Idempotent } from '@app/tenancy';
import { CreateContactDto, UpdateContactDto } from '../../domain/contacts';
import { ApiProblemResponses } from '../../swagger/api-problem-responses';
import { CustomerContactsService } from './customer-contacts.service';
import { CustomerResponse } from './dto/customer.response';

/** Contacts of a customer; every route answers with the whole customer (primary flags, version). */
@ApiTags('customers')
@ApiProblemResponses([409, 'Write conflict'], [422, 'Too many contacts, or Idempotency-Key reused'])
@UseInterceptors(VersionETagInterceptor)
@Controller('customers/:id/contacts')
export class CustomerContactsController {
  constructor(private readonly contacts: CustomerContactsService) {}

  @Post()
  @MinRole(Role.MEMBER)
  @Idempotent()
  @ApiOperation({ summary: 'Add a contact (the first one becomes primary)' })
  @ApiCreatedResponse({ type: CustomerResponse, description: 'The whole customer, with the new contact' })
  add(@Param('id', ParseObjectIdPipe) id: string, @Body() dto: CreateContactDto): Promise<CustomerResponse> {
    return this.contacts.add(id, dto);
  }

  @Patch(':contactId')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Change some fields of a contact (null clears an optional one)' })
  @ApiOkResponse({ type: CustomerResponse })
  update(
    @Param('id', ParseObjectIdPipe) id: string,
    @Param('contactId', ParseObjectIdPipe) contactId: string,
    @Body() dto: UpdateContactDto,
  ): Promise<CustomerResponse> {
    return this.contacts.update(id, contactId, dto);
  }

  @Delete(':contactId')
  @MinRole(Role.MEMBER)
  @ApiOperation({ summary: 'Remove a contact (removing the primary promotes another)' })
  @ApiOkResponse({ type: CustomerResponse })
  remove(
    @Param('id', ParseObjectIdPipe) id: string,
    @Param('contactId', ParseObjectIdPipe) contactId: string,
  ): Promise<CustomerResponse> {
    return this.contacts.remove(id, contactId);
  }

  @Post(':contactId/primary')
  @MinRole(Role.MEMBER)
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Make this the primary contact (clears the old one in the same write)' })
  @ApiOkResponse({ type: CustomerResponse })
  makePrimary(
    @Param('id', ParseObjectIdPipe) id: string,
    @Param('contactId', ParseObjectIdPipe) contactId: string,
  ): Promise<CustomerResponse> {
    return this.contacts.makePrimary(id, contactId);
  }
}
