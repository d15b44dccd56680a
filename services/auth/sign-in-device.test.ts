import { describe, expect, it } from 'vitest';
import { networkOf, signInDevice } from './sign-in-device.js';

describe('the network of a sign-in', () => {
  it('is the /24 of an IPv4 address, mapped or not', () => {
    expect(networkOf('203.0.113.77')).toBe('203.0.113.0/24');
    expect(networkOf('::ffff:203.0.113.9')).toBe('203.0.113.0/24');
  });

  it('is the /48 of an IPv6 address, however it is abbreviated', () => {
    expect(networkOf('2001:db8:1:2::5')).toBe('2001:db8:1::/48');
    expect(networkOf('2001:0db8:0001:ffff:0:0:0:1')).toBe('2001:db8:1::/48');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(networkOf('::1')).toBe('0:0:0::/48');
    expect(networkOf('fe80::1%eth0')).toBe('fe80:0:0::/48');
  });

  it('is unknown for anything else', () => {
    expect(networkOf('')).toBe('unknown');
    expect(networkOf('not-an-ip')).toBe('unknown');
  });
});

describe('the device of a sign-in', () => {
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

  it('is the same for another address in the same network, and the same browser', () => {
    expect(signInDevice(firefox, '198.51.100.4').fingerprint).toBe(signInDevice(` ${firefox} `, '198.51.100.200').fingerprint);
  });

  it('differs by browser and by network', () => {
    const home = signInDevice(firefox, '198.51.100.4');
    expect(signInDevice('curl/8.5.0', '198.51.100.4').fingerprint).not.toBe(home.fingerprint);
    expect(signInDevice(firefox, '198.51.101.4').fingerprint).not.toBe(home.fingerprint);
    expect(home).toMatchObject({ userAgent: firefox, network: '198.51.100.0/24', fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
