import { END, START, assignedTo, no, ok, type RuleTable } from './helpers.js';
import { isAwsKeyIdShape, parsePrivateKeyBlock } from '../validators.js';

/** Cloud providers and hosting platforms. */
export const cloudRules: RuleTable = [
  {
    id: 'aws-access-key-id',
    title: 'AWS access key ID',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    pattern: new RegExp(String.raw`${START}(?<secret>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})${END}`),
    validate: (id) => (isAwsKeyIdShape(id) ? ok([id.startsWith('ASIA') ? 'temporary (STS) credentials' : 'long-lived IAM user key']) : no('not an AWS key id')),
    severity: 'high',
    examples: {
      truePositives: ['aws_access_key_id = AKIA{{B32:16}}', 'const id = "ASIA{{B32:16}}";'],
      trueNegatives: ['AKIAIOSFODNN7EXAMPLE', 'AKIA{{B32:15}}', 'XAKIA{{B32:16}}', 'AKIA1234567890123456'],
    },
  },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    keywords: ['aws', 'secret_access_key', 'secretaccesskey', 'secret-access-key'],
    pattern: assignedTo(
      String.raw`aws[\w.-]{0,20}?secret|secret[_-]?access[_-]?key|secretAccessKey`,
      String.raw`[A-Za-z0-9/+]{40}`,
      String.raw`[\w.-]{0,30}?`,
    ),
    entropy: 4,
    severity: 'critical',
    examples: {
      truePositives: ['aws_secret_access_key = {{b64:40}}', 'AWS_SECRET_ACCESS_KEY="{{b64:40}}"', 'secretAccessKey: "{{b64:40}}",'],
      trueNegatives: ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = ${AWS_SECRET}', 'aws_secret_access_key = "<YOUR_SECRET_ACCESS_KEY>"'],
    },
  },
  {
    id: 'aws-session-token',
    title: 'AWS session token',
    // The STS token format is distinctive by itself (base64 of a fixed binary header): found by value,
    // whatever it is assigned to (S3_SESSION_TOKEN=, Terraform `token =`, SessionToken in JSON), at any length.
    keywords: ['iqojb3jpz2lux2vj', 'fwogzxivyxdz', 'fqogzxivyxdz'],
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9+/])(?<secret>(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+]{100,4000}={0,2})(?![A-Za-z0-9+/=])`),
    entropy: 4,
    validate: () => ok(['temporary STS credentials: valid until they expire (up to 36 hours), together with the access key id and secret']),
    severity: 'high',
    examples: {
      truePositives: ['AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj{{b64:300}}', 'S3_SESSION_TOKEN=FwoGZXIvYXdz{{b64:900}}', 'token = "IQoJb3JpZ2luX2Vj{{b64:600}}=="'],
      trueNegatives: ['AWS_SESSION_TOKEN=${TOKEN}', 'IQoJb3JpZ2luX2Vj{{b64:20}}'],
    },
  },
  {
    id: 'gcp-service-account-key',
    wholeText: true,
    title: 'Google Cloud service account key (JSON)',
    priority: -1,
    keywords: ['service_account'],
    pattern:
      /"type"\s*:\s*"service_account"[\s\S]{0,2000}?"private_key"\s*:\s*"(?<secret>-----BEGIN (?:RSA )?PRIVATE KEY-----[A-Za-z0-9+/=\\\s]{100,}?-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)"/,
    validate: (secret, ctx) => {
      const pem = parsePrivateKeyBlock(secret);
      if (!pem?.wellFormed) return no('the private_key does not parse');
      const email = /"client_email"\s*:\s*"([^"]+)"/.exec(ctx.match)?.[1] ?? '';
      if (/firebase-adminsdk/.test(email)) return ok(['Firebase Admin SDK service account'], { title: 'Firebase Admin SDK service account key (JSON)' });
      return ok(['service account JSON with private key']);
    },
    severity: 'critical',
    examples: {
      truePositives: [
        (s) =>
          `{\n  "type": "service_account",\n  "project_id": "acme-prod",\n  "private_key_id": "${s('{{hex:40}}')}",\n  "private_key": "${pemEscaped(s)}",\n  "client_email": "deploy@acme-prod.iam.gserviceaccount.com"\n}`,
      ],
      trueNegatives: ['{"type": "service_account", "private_key": ""}', '{"type": "authorized_user", "client_id": "x"}'],
    },
  },
  {
    id: 'gcp-api-key',
    title: 'Google API key',
    keywords: ['aiza'],
    pattern: new RegExp(String.raw`${START}(?<secret>AIza[0-9A-Za-z_-]{35})${END}`),
    validate: (_secret, ctx) => {
      // Firebase web config and Maps/JS keys ship to browsers by design; they must be restricted, not hidden.
      const around = `${ctx.name ?? ''} ${ctx.line}`;
      if (/firebase|authDomain|firebaseapp|messagingSenderId|NEXT_PUBLIC_FIREBASE|VITE_FIREBASE|REACT_APP_FIREBASE|maps|gmaps/i.test(around))
        return ok(['Firebase web / Maps API key: public by design, restrict it by HTTP referrer and API'], { severity: 'info', publicByDesign: true });
      return ok(['unrestricted Google API keys can bill your project (Gemini, Maps, Translate)']);
    },
    severity: 'high',
    examples: {
      truePositives: ['GOOGLE_API_KEY=AIza{{b64u:35}}', 'const gemini = new GoogleGenAI({ apiKey: "AIza{{b64u:35}}" });'],
      trueNegatives: ['AIza{{b64u:20}}', 'key=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'],
    },
  },
  {
    id: 'gcp-oauth-client-secret',
    title: 'Google OAuth client secret',
    keywords: ['gocspx-'],
    pattern: new RegExp(String.raw`${START}(?<secret>GOCSPX-[A-Za-z0-9_-]{28})${END}`),
    severity: 'high',
    examples: { truePositives: ['"client_secret": "GOCSPX-{{b64u:28}}"'], trueNegatives: ['GOCSPX-{{b64u:10}}'] },
  },
  {
    id: 'gcp-oauth-access-token',
    title: 'Google OAuth access token',
    keywords: ['ya29.'],
    pattern: new RegExp(String.raw`${START}(?<secret>ya29\.[0-9A-Za-z_-]{60,})${END}`),
    severity: 'medium',
    examples: { truePositives: ['Authorization: Bearer ya29.{{b64u:120}}'], trueNegatives: ['ya29.short'] },
  },
  {
    id: 'azure-storage-account-key',
    title: 'Azure storage account key / connection string',
    keywords: ['accountkey', 'sharedaccesskey'],
    pattern: /(?:AccountKey|SharedAccessKey)\s*=\s*(?<secret>[A-Za-z0-9+/]{43,86}={0,2})(?=[;"'\s]|$)/i,
    entropy: 4,
    validate: (secret) => (Buffer.from(secret, 'base64').length >= 32 ? ok() : no('key too short')),
    severity: 'critical',
    examples: {
      truePositives: [
        'DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey={{b64:86}}==;EndpointSuffix=core.windows.net',
        'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={{b64:43}}=',
      ],
      trueNegatives: ['AccountKey=<your-key>;', 'DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='],
    },
  },
  {
    id: 'azure-ad-client-secret',
    title: 'Azure AD (Entra ID) client secret',
    keywords: ['q~'],
    pattern: new RegExp(String.raw`${START}(?<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])`),
    entropy: 3.5,
    severity: 'critical',
    examples: { truePositives: ['AZURE_CLIENT_SECRET={{a62:3}}8Q~{{b64u:34}}'], trueNegatives: ['abc8Q~short'] },
  },
  {
    id: 'azure-devops-pat',
    title: 'Azure DevOps personal access token',
    keywords: ['azdo', 'azure_devops', 'ado_', 'devops'],
    pattern: new RegExp(
      String.raw`${START}(?<secret>[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})${END}|(?:azure[_-]?devops|ado)[\w.-]{0,20}?(?:pat|token)["']?\s{0,3}(?:=|:)\s{0,3}["']?(?<secret2>[a-z2-7]{52})${END}`,
      'i',
    ),
    severity: 'high',
    examples: { truePositives: ['{{a62:76}}AZDO{{a62:4}}', 'AZURE_DEVOPS_PAT={{b32:52}}'], trueNegatives: ['AZURE_DEVOPS_PAT=$(System.AccessToken)'] },
  },
  {
    id: 'digitalocean-token',
    title: 'DigitalOcean token',
    keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
    pattern: new RegExp(String.raw`${START}(?<secret>do[por]_v1_[a-f0-9]{64})${END}`),
    severity: 'high',
    examples: { truePositives: ['DIGITALOCEAN_TOKEN=dop_v1_{{hex:64}}', 'doo_v1_{{hex:64}}'], trueNegatives: ['dop_v1_{{hex:32}}'] },
  },
  {
    id: 'cloudflare-api-token',
    title: 'Cloudflare API token or global API key',
    keywords: ['cloudflare', 'cf_api', 'cf-api', 'cf_token'],
    pattern: assignedTo(String.raw`cloudflare|cf[_-]api|cf[_-]token`, String.raw`[A-Za-z0-9_-]{40}|[a-f0-9]{37}`),
    entropy: 3,
    priority: 1,
    severity: 'high',
    examples: { truePositives: ['CLOUDFLARE_API_TOKEN={{b64u:40}}', 'CF_API_KEY="{{hex:37}}"'], trueNegatives: ['CLOUDFLARE_ZONE_ID=example-zone'] },
  },
  {
    id: 'cloudflare-origin-ca-key',
    title: 'Cloudflare Origin CA key',
    keywords: ['v1.0-'],
    pattern: new RegExp(String.raw`${START}(?<secret>v1\.0-[a-f0-9]{24}-[a-f0-9]{146})${END}`),
    severity: 'high',
    examples: { truePositives: ['v1.0-{{hex:24}}-{{hex:146}}'], trueNegatives: ['v1.0-{{hex:24}}'] },
  },
  {
    id: 'heroku-api-key',
    title: 'Heroku API key',
    keywords: ['hrku-', 'heroku'],
    pattern: new RegExp(
      String.raw`${START}(?<secret>HRKU-AA[0-9A-Za-z_-]{58})${END}|heroku[\w.-]{0,20}?(?:api[_-]?key|token|secret)["']?\s{0,3}(?:=|:)\s{0,3}["']?(?<secret2>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})${END}`,
      'i',
    ),
    severity: 'high',
    examples: {
      truePositives: ['HEROKU_API_KEY=HRKU-AA{{b64u:58}}', 'HEROKU_API_KEY={{hex:8}}-{{hex:4}}-4{{hex:3}}-a{{hex:3}}-{{hex:12}}'],
      trueNegatives: ['HEROKU_APP_ID={{hex:8}}-{{hex:4}}-4{{hex:3}}-a{{hex:3}}-{{hex:12}}'],
    },
  },
  {
    id: 'flyio-token',
    title: 'Fly.io access token',
    keywords: ['fo1_', 'fm1', 'fm2_'],
    pattern: new RegExp(String.raw`${START}(?<secret>fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3})`),
    severity: 'high',
    examples: { truePositives: ['FLY_API_TOKEN=fo1_{{b64u:43}}', 'FlyV1 fm2_{{b64:200}}'], trueNegatives: ['fo1_{{b64u:10}}'] },
  },
  {
    id: 'vercel-token',
    title: 'Vercel access token',
    keywords: ['vercel'],
    pattern: assignedTo('vercel', String.raw`[A-Za-z0-9]{24}`),
    entropy: 3.5,
    priority: 1,
    severity: 'high',
    examples: { truePositives: ['VERCEL_TOKEN={{a62:24}}'], trueNegatives: ['VERCEL_ORG_ID=team_abc', 'VERCEL_URL=acme.vercel.app'] },
  },
  {
    id: 'netlify-token',
    title: 'Netlify access token',
    keywords: ['nfp_', 'netlify'],
    pattern: new RegExp(String.raw`${START}(?<secret>nfp_[A-Za-z0-9]{36})${END}|netlify[\w.-]{0,20}?(?:token|key)["']?\s{0,3}(?:=|:)\s{0,3}["']?(?<secret2>[A-Za-z0-9_-]{43,45})${END}`, 'i'),
    entropy: 3.5,
    severity: 'high',
    examples: { truePositives: ['NETLIFY_AUTH_TOKEN=nfp_{{a62:36}}', 'NETLIFY_AUTH_TOKEN={{b64u:43}}'], trueNegatives: ['NETLIFY_SITE_ID=abc'] },
  },
  {
    id: 'render-api-key',
    title: 'Render API key',
    keywords: ['rnd_'],
    pattern: new RegExp(String.raw`${START}(?<secret>rnd_[A-Za-z0-9]{32})${END}`),
    severity: 'high',
    examples: { truePositives: ['RENDER_API_KEY=rnd_{{a62:32}}'], trueNegatives: ['rnd_{{a62:8}}'] },
  },
  {
    id: 'alibaba-access-key',
    title: 'Alibaba Cloud AccessKey ID',
    keywords: ['ltai'],
    pattern: new RegExp(String.raw`${START}(?<secret>LTAI[A-Za-z0-9]{20})${END}`),
    entropy: 3.5,
    severity: 'high',
    examples: { truePositives: ['accessKeyId: "LTAI{{a62:20}}"'], trueNegatives: ['LTAI{{a62:8}}'] },
  },
  {
    id: 'databricks-token',
    title: 'Databricks access token',
    keywords: ['dapi'],
    pattern: new RegExp(String.raw`${START}(?<secret>dapi[a-f0-9]{32}(?:-\d)?)${END}`),
    severity: 'high',
    examples: { truePositives: ['DATABRICKS_TOKEN=dapi{{hex:32}}'], trueNegatives: ['dapi{{hex:16}}'] },
  },
  {
    id: 'tailscale-key',
    title: 'Tailscale API or auth key',
    keywords: ['tskey-'],
    pattern: new RegExp(String.raw`${START}(?<secret>tskey-(?:api|auth|client|webhook|scim)-[A-Za-z0-9]{10,}-[A-Za-z0-9]{20,})${END}`),
    severity: 'high',
    examples: { truePositives: ['TS_AUTHKEY=tskey-auth-{{a62:17}}-{{a62:33}}'], trueNegatives: ['tskey-auth-xxxx'] },
  },
];

function pemEscaped(s: (t: string) => string): string {
  const body = Buffer.concat([Buffer.from([0x30, 0x82, 0x04, 0xa4]), Buffer.from(s('{{a62:600}}'))]).toString('base64');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${'PRIVATE KEY'}-----\\n${lines.join('\\n')}\\n-----END ${'PRIVATE KEY'}-----\\n`;
}
