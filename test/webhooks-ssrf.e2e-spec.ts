import type { HostResolver } from '../src/modules/integration';
import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';
import type { TenantFixture, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * SSRF refusals with WEBHOOK_ALLOW_PRIVATE off (the production default): at registration, and again at
 * send time after DNS changed (rebinding). No request of this suite leaves the machine: registration
 * never connects, and every delivery here is refused before connecting.
 */
describe('Webhooks: SSRF refusals', () => {
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  const receiver = new WebhookReceiver();
  /** What the fake DNS answers per host name. */
  const dns = new Map<string, string[]>();
  const resolver: HostResolver = {
    resolve: async (host) => {
      const found = dns.get(host);
      if (!found) throw new Error(`ENOTFOUND ${host}`);
      return found.map((address) => ({ address }));
    },
  };

  beforeAll(async () => {
    support = await loadAppWithEnv({ WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_POLL_INTERVAL_MS: '0' });
    const { HOST_RESOLVER } = await import('../src/modules/integration');
    t = await support.startTestApp((b) => b.overrideProvider(HOST_RESOLVER).useValue(resolver));
    await receiver.start();
    tenant = await support.newTenant(t, 'whs');
  });
  afterAll(async () => {
    await receiver.stop();
    await t?.close();
  });

  const register = (url: string) => tenant.admin.post('/api/v1/webhooks').send({ url, events: ['customer.*'] });

  it.each([
    ['plain http', 'http://hooks.public.test/x', 'must use https'],
    ['loopback', 'https://127.0.0.1/x', 'loopback'],
    ['loopback written as a number', 'https://2130706433/x', 'loopback'],
    ['loopback written in hex', 'https://0x7f.1/x', 'loopback'],
    ['private 10/8', 'https://10.1.2.3/x', 'private'],
    ['private 172.16/12', 'https://172.16.5.4/x', 'private'],
    ['private 192.168/16', 'https://192.168.1.10/x', 'private'],
    ['link-local metadata', 'https://169.254.169.254/latest/meta-data', 'metadata'],
    ['CGNAT', 'https://100.64.0.1/x', 'carrier-grade NAT'],
    ['Azure wire server', 'https://168.63.129.16/x', 'metadata'],
    ['unspecified', 'https://0.0.0.0/x', 'unspecified'],
    ['IPv6 loopback', 'https://[::1]/x', 'loopback'],
    ['IPv6-mapped loopback', 'https://[::ffff:127.0.0.1]/x', 'loopback'],
    ['IPv6 link-local', 'https://[fe80::1]/x', 'link-local'],
    ['IPv6 unique-local', 'https://[fd12:3456::1]/x', 'unique-local'],
    ['IPv6 metadata', 'https://[fd00:ec2::254]/x', 'metadata'],
    ['NAT64 of a private address', 'https://[64:ff9b::a00:1]/x', 'NAT64'],
    ['a name resolving to loopback', 'https://loopback.test/x', 'resolves to 127.0.0.1 is a loopback'],
    ['a name with one private address among public ones', 'https://mixed.test/x', 'resolves to 10.0.0.7'],
    ['a name that does not resolve', 'https://nowhere.test/x', 'does not resolve'],
    ['credentials in the URL', 'https://user:secret@public.test/x', 'credentials'],
  ])('refuses %s at registration', async (_label, url, reason) => {
    dns.set('loopback.test', ['127.0.0.1']);
    dns.set('mixed.test', ['93.184.216.34', '10.0.0.7']);
    dns.set('public.test', ['93.184.216.34']);
    const res = await register(url);
    support.expectProblem(res, 400, 'webhook.url_refused');
    expect(res.body.errors).toEqual([{ path: 'url', message: expect.stringContaining(reason) }]);
  });

  it('checks the address again at send time: a name that now resolves to loopback is not called', async () => {
    dns.set('rebind.test', ['93.184.216.34']);
    const hook = (await register(`https://rebind.test:${receiver.port}/rebind`).expect(201)).body;
    dns.set('rebind.test', ['127.0.0.1']);
    const ping = await tenant.admin.post(`/api/v1/webhooks/${hook.id}/test`).expect(200);
    expect(ping.body).toMatchObject({ status: 'failed', responseStatus: null });
    expect(ping.body.error).toBe('refused: url host rebind.test resolves to 127.0.0.1 is a loopback address');
    expect(receiver.received).toHaveLength(0);
  });
});
