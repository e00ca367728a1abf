import { no, ok, type RuleTable } from './helpers.js';
import { parsePrivateKeyBlock, shannonEntropy } from '../validators.js';
import { synthPrivateKey, prng } from './synth.js';
import type { Validation } from '../types.js';

function judgePem(block: string): Validation {
  const pem = parsePrivateKeyBlock(block);
  if (!pem) return no('no complete key block');
  if (pem.bodyLength < 40) return no('key body too short: an excerpt or placeholder');
  const body = block.replace(/-----[A-Z ]+-----/g, '').replace(/\\n|\s/g, '');
  if (!pem.wellFormed && shannonEntropy(body) < 4.5) return no('key body is not key material');
  const details = [`${pem.label}`, pem.wellFormed ? 'body parses as key material' : 'body does not parse as DER: possibly damaged'];
  if (pem.encrypted) return ok([...details, 'encrypted with a passphrase: still rotate it, the passphrase may be weak or nearby'], { severity: 'medium' });
  return ok(details);
}

const KEY_SEED = 7;

/** Private keys: PEM, OpenSSH, PGP, PuTTY, and base64-wrapped PEM (kubeconfig, env vars). */
export const keyRules: RuleTable = [
  {
    id: 'private-key',
    wholeText: true,
    keyBlock: true,
    title: 'Private key',
    keywords: ['private key'],
    pattern:
      /(?<secret>-----BEGIN (?<label>(?:RSA |EC |DSA |ENCRYPTED |OPENSSH |PGP |ANY )?PRIVATE KEY(?: BLOCK)?)-----(?:[A-Za-z0-9+/=\s:,\\-]|\\n){40,12000}?-----END \k<label>-----)/,
    validate: (block) => judgePem(block),
    severity: 'critical',
    examples: {
      truePositives: [
        () => synthPrivateKey(prng(KEY_SEED), 'RSA PRIVATE KEY'),
        () => synthPrivateKey(prng(KEY_SEED + 1), 'PRIVATE KEY', { escapedNewlines: true }),
        () => synthPrivateKey(prng(KEY_SEED + 2), 'OPENSSH PRIVATE KEY'),
        () => synthPrivateKey(prng(KEY_SEED + 3), 'EC PRIVATE KEY'),
        () => synthPrivateKey(prng(KEY_SEED + 4), 'OPENSSH PRIVATE KEY', { encrypted: true }),
      ],
      trueNegatives: [
        `-----BEGIN ${'RSA PRIVATE KEY'}-----\nMIIEpAIBAAKCAQEA...\n-----END ${'RSA PRIVATE KEY'}-----`,
        `-----BEGIN ${'PRIVATE KEY'}-----\n<your key here>\n-----END ${'PRIVATE KEY'}-----`,
        '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----',
      ],
    },
  },
  {
    id: 'private-key-base64',
    wholeText: true,
    keyBlock: true,
    title: 'Base64-encoded private key (kubeconfig client-key-data, env var)',
    keywords: ['ls0tls1crudjti'],
    pattern: /(?<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/]{200,}={0,2})/,
    validate: (secret) => {
      const decoded = Buffer.from(secret, 'base64').toString('latin1');
      if (!/PRIVATE KEY-----/.test(decoded)) return no('decodes to something other than a private key');
      return judgePem(decoded);
    },
    severity: 'critical',
    examples: {
      truePositives: [() => `client-key-data: ${Buffer.from(synthPrivateKey(prng(KEY_SEED + 5), 'RSA PRIVATE KEY')).toString('base64')}`],
      trueNegatives: [`certificate-authority-data: ${Buffer.from('-----BEGIN CERTIFICATE-----\n' + 'A'.repeat(200) + '\n-----END CERTIFICATE-----').toString('base64')}`],
    },
  },
  {
    id: 'putty-private-key',
    wholeText: true,
    keyBlock: true,
    title: 'PuTTY private key',
    keywords: ['putty-user-key-file'],
    pattern: /PuTTY-User-Key-File-[23]: [\s\S]{0,2000}?Private-Lines: \d+\r?\n(?<secret>(?:[A-Za-z0-9+/=]{20,}\r?\n){2,})/,
    validate: (_s, ctx) => (/Encryption: none/.test(ctx.match) ? ok(['unencrypted']) : ok(['encrypted'], { severity: 'medium' })),
    severity: 'critical',
    examples: {
      truePositives: ['PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: deploy\nPublic-Lines: 1\n{{b64:64}}\nPrivate-Lines: 3\n{{b64:64}}\n{{b64:64}}\n{{b64:20}}\n'],
      trueNegatives: ['PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 0\n'],
    },
  },
];
