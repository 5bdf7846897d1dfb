import type { DiscoveryService } from '@nestjs/core';
import { ActivityTargetType } from './activity.enums';
import { ActivityTargets, namedTarget } from './activity-targets';

describe('activity targets', () => {
  const id = '665f1c2e8b3e4a1d2c3b4a59';

  it('a request names exactly one target', () => {
    expect(namedTarget({ customerId: id })).toEqual({ type: ActivityTargetType.CUSTOMER, id });
    expect(namedTarget({ leadId: id, customerId: undefined })).toEqual({ type: ActivityTargetType.LEAD, id });
    expect(() => namedTarget({})).toThrow(expect.objectContaining({ code: 'activity.target_required' }));
    expect(() => namedTarget({ customerId: id, leadId: id })).toThrow(
      expect.objectContaining({ code: 'activity.target_required' }),
    );
  });

  it('a target type without a registered resolver is a 400 naming its field', () => {
    const resolver = { type: ActivityTargetType.CUSTOMER };
    const discovery = {
      getProviders: () => [{ instance: resolver }],
    } as unknown as DiscoveryService;
    const sut = new ActivityTargets(discovery);
    expect(sut.of(ActivityTargetType.CUSTOMER)).toBe(resolver);
    expect(() => sut.of(ActivityTargetType.OPPORTUNITY)).toThrow(
      expect.objectContaining({
        code: 'activity.target_unsupported',
        errors: [expect.objectContaining({ path: 'opportunityId' })],
      }),
    );
  });

  it('two resolvers of one type are refused, not chosen between by discovery order', () => {
    const discovery = {
      getProviders: () => [
        { instance: { type: ActivityTargetType.OPPORTUNITY } },
        { instance: { type: ActivityTargetType.OPPORTUNITY } },
      ],
    } as unknown as DiscoveryService;
    expect(() => new ActivityTargets(discovery).of(ActivityTargetType.OPPORTUNITY)).toThrow(
      /Two activity target resolvers for opportunity/,
    );
  });
});
