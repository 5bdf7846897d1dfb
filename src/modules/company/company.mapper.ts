import type { CompanyResponse } from './dto/company.dto';
import type { CompanyLean } from './schemas/company.schema';

export function toCompanyResponse(c: CompanyLean): CompanyResponse {
  return {
    id: c._id.toHexString(),
    name: c.name,
    description: c.description ?? null,
    createdBy: c.createdBy,
    updatedBy: c.updatedBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
  };
}
