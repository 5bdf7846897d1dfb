import { canSeeCompany, hasTenantRole, Principal, Role } from './principal';

describe('hasTenantRole', () => {
  const p = (...roles: Role[]): Principal => ({ userId: 'u', tenantId: 't', roles });

  it.each([
    [[Role.ADMIN], Role.MEMBER, true],
    [[Role.ADMIN], Role.ADMIN, true],
    [[Role.MEMBER], Role.VIEWER, true],
    [[Role.MEMBER], Role.ADMIN, false],
    [[Role.VIEWER], Role.MEMBER, false],
    [[Role.PLATFORM], Role.VIEWER, false],
    [[Role.VIEWER, Role.ADMIN], Role.ADMIN, true],
  ])('%j at least %s → %s', (roles, need, expected) => {
    expect(hasTenantRole(p(...roles), need)).toBe(expected);
  });
});

describe('canSeeCompany', () => {
  it('sees every company without a companies claim, only listed ones with it', () => {
    expect(canSeeCompany({ userId: 'u', roles: [Role.VIEWER] }, 'c1')).toBe(true);
    const scoped: Principal = { userId: 'u', roles: [Role.VIEWER], companies: ['c1'] };
    expect(canSeeCompany(scoped, 'c1')).toBe(true);
    expect(canSeeCompany(scoped, 'c2')).toBe(false);
  });
});
