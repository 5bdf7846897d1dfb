import { addressRefusal, connectable } from './address-policy';

describe(addressRefusal.name, () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['2002:a00:1::', '6to4'],
    ['2001::1', 'Teredo'],
    ['64:ff9b::7f00:1', 'NAT64'],
    ['ff02::1', 'multicast'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(addressRefusal(address, false)).toContain(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111'])('lets public %s through', (address) => {
    expect(addressRefusal(address, false)).toBeNull();
  });

  it('with private addresses allowed, still refuses metadata endpoints', () => {
    expect(addressRefusal('127.0.0.1', true)).toBeNull();
    expect(addressRefusal('10.0.0.1', true)).toBeNull();
    expect(addressRefusal('169.254.169.254', true)).toContain('metadata');
    expect(addressRefusal('fd00:ec2::254', true)).toContain('metadata');
  });

  it('refuses what is not an address, and connects to mapped addresses as IPv4', () => {
    expect(addressRefusal('example.com', true)).toContain('not an IP address');
    expect(connectable('::ffff:127.0.0.1')).toEqual({ address: '127.0.0.1', family: 4 });
    expect(connectable('::1')).toEqual({ address: '::1', family: 6 });
  });
});
