import { generate } from 'selfsigned';

export interface ServerCertificate {
  key: string;
  cert: string;
}

/**
 * A fresh self-signed certificate for a local HTTPS server, naming 127.0.0.1, ::1 and localhost.
 * `selfsigned` (pure JS over WebCrypto) because node:crypto can parse X.509 certificates but not
 * issue them, and shelling out to openssl would add a system dependency.
 */
export async function selfSignedCertificate(): Promise<ServerCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'RentGuy fake Mollie' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 30 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
