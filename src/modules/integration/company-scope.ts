import type { Principal } from '@app/common';
import type { CompanyService } from '../company';
import { IntegrationError, IntegrationErrorCode } from './integration.errors';

/**
 * The companies an endpoint or API key is limited to, checked against the caller: each must be a
 * company of the tenant the caller may see (else company.not_found, as for any other tenant's id), and a
 * caller limited to companies must name some, so it can never make a webhook or key that sees more
 * than it does. Undefined: not limited.
 */
export async function companyScope(
  principal: Principal,
  companies: CompanyService,
  ids: readonly string[] | undefined,
): Promise<string[] | undefined> {
  if (ids === undefined || ids.length === 0) {
    if (principal.companies !== undefined) {
      throw new IntegrationError(
        IntegrationErrorCode.COMPANIES_REQUIRED,
        'You may see only some companies: name them, so that what you create sees no more than you do.',
      );
    }
    return undefined;
  }
  const unique = [...new Set(ids)];
  for (const id of unique) await companies.assertVisible(id);
  return unique;
}
