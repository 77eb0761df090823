import { isLoopbackUrl } from './loopback-address.util';

describe('isLoopbackUrl', () => {
  it.each(['https://127.0.0.1:12112/v2/', 'https://127.8.9.10/v2/', 'https://[::1]:443/v2/'])(
    'treats %s as loopback',
    (url) => {
      expect(isLoopbackUrl(url)).toBe(true);
    },
  );

  it.each([
    'https://api.mollie.com/v2/',
    'https://localhost:12112/v2/',
    'https://10.0.0.5/v2/',
    'https://128.0.0.1/v2/',
    'https://127.0.0.1.example.com/v2/',
    'https://[::2]/v2/',
    'https://[::ffff:10.0.0.1]/v2/',
  ])('does not treat %s as loopback', (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });
});
