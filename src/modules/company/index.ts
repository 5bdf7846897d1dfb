export { CompanyModule } from './company.module';
export { COMPANY_ENTITY, CompanyService } from './company.service';
export {
  CompanyDeletionCheckProvider,
  type CompanyDeletionCheck,
  type CompanyUsage,
  USAGE_COUNT_LIMIT,
  usage,
} from './company-deletion';
export { CompanyEventName, CompanyDomainEvent } from './events/company.events';
export type { CompanyResponse, CreateCompanyDto, UpdateCompanyDto } from './dto/company.dto';
