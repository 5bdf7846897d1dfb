import { FixedTenant } from '../support/fixed-tenant';
import type { Scenario } from '../support/scenario';

/**
 * The price of the tenancy layer on a point read: the real route (token → tenant directory →
 * TenantContext in CLS → tenant model) against bench-only routes that read a fixed tenant
 * database through the same pipes, mapper, filter and interceptors.
 */
export const tenancyCost: Scenario = {
  name: 'tenancy-cost',
  description: 'GET /companies/:id with the full tenancy layer vs the same read for a fixed tenant',
  async run(s) {
    const tenant = await s.newTenant('cost');
    const companyId = await s.newCompany(tenant);
    s.app.get(FixedTenant).dbName = tenant.dbName;
    const auth = s.bearer(tenant);
    const routes = {
      full: { path: `/api/v1/companies/${companyId}`, headers: auth },
      fixedWithToken: { path: `/api/v1/bench/fixed-tenant/jwt/companies/${companyId}`, headers: auth },
      fixed: { path: `/api/v1/bench/fixed-tenant/companies/${companyId}` },
    };
    await s.expectSameAnswers(Object.values(routes));

    const tenancy = await s.compare(
      'tenancy layer: route vs fixed tenant (both verify the token)',
      { label: 'fixed tenant + token check', run: s.http([routes.fixedWithToken]) },
      { label: 'full tenancy', run: s.http([routes.full]) },
      { metric: 'throughputRatio', bound: 0.9, text: '≥ 0.90 (cost ≤ 10%)' },
    );
    const authAndTenancy = await s.compare(
      'token + tenancy: route vs fixed tenant, no token',
      { label: 'fixed tenant, no token', run: s.http([routes.fixed]) },
      { label: 'full tenancy', run: s.http([routes.full]) },
    );
    const cost = (1 - tenancy.throughputRatio) * 100;
    return {
      comparisons: [tenancy, authAndTenancy],
      metrics: [
        { name: 'tenant context cost (throughput)', value: cost, unit: '%', target: '≤ 10 %', met: cost <= 10 },
        {
          name: 'token verification + tenant context cost',
          value: (1 - authAndTenancy.throughputRatio) * 100,
          unit: '%',
        },
      ],
      notes: [
        'The nestjs-cls middleware runs on every route (it is mounted globally), so the baselines include the ' +
          'AsyncLocalStorage context itself; what differs is the guard (tenant directory lookup, role check, ' +
          'TenantContext.enter) and resolving the tenant model through the context.',
      ],
    };
  },
};
