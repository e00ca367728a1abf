import { no, ok, type RuleTable } from './helpers.js';

/** Passwords nobody should count as a leak: documentation defaults and local-development conventions. */
const TRIVIAL_PASSWORDS = new Set([
  'password', 'pass', 'passwd', 'secret', 'changeme', 'postgres', 'mysql', 'root', 'admin', 'guest', 'test', 'example', 'user',
  'username', 'pwd', 'dbpass', 'dbpassword', 'mypassword', 'yourpassword', 'your_password', 'your-password', 'db_password',
  'redis', 'mongo', 'mongodb', 'rabbitmq', 'default', 'dev', 'development', 'local', 'docker', 'app', 'toor', 'foo', 'bar',
  'foobar', 'xxx', 'xxxx', 'mysecretpassword', 'supersecret', 'secret123', 'password123', 'pass123', 'letmein', 'qwerty',
  'prisma', 'sa', 'postgrespassword', 'keycloak', 'airflow', 'superset', 'sonar', 'gitlab', 'pw', 'hunter2', 'pa55word', 'p@ssw0rd',
  'passw0rd', 's3cret', 'secretpassword', 'testpassword', 'testpass', 'devpassword', 'localpassword',
]);

const LOCAL_HOSTS = /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|host\.docker\.internal|db|database|postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|rabbitmq|cache|[a-z]+-db)$/i;

/** Connection strings and URLs that carry a password. */
export const databaseRules: RuleTable = [
  {
    id: 'database-url-password',
    title: 'Database / broker connection URL with a password',
    keywords: ['postgres', 'mysql', 'mariadb', 'mongodb', 'redis', 'amqp', 'mssql', 'sqlserver', 'clickhouse', 'cockroachdb', 'neo4j', 'jdbc:'],
    pattern:
      /(?<scheme>postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse|cockroachdb|neo4j(?:\+s)?|jdbc:[a-z]+):\/\/(?<user>[^\s:@/'"`<>{}$]{1,64}):(?<secret>[^\s@/'"`<>{}]{3,128})@(?<host>[A-Za-z0-9._-]+|\[[0-9a-f:]+\])/i,
    validate: (password, ctx) => {
      const pw = safeDecode(password);
      if (/^\$|^%|^\*+$|^<|^\{|^\[/.test(pw)) return no('templated password');
      if (TRIVIAL_PASSWORDS.has(pw.toLowerCase())) return no('a documentation or local-development default password');
      if (pw.toLowerCase() === safeDecode(ctx.groups.user ?? '').toLowerCase()) return no('the password is the user name: a local-development default');
      const host = ctx.groups.host ?? '';
      const scheme = (ctx.groups.scheme ?? '').toLowerCase();
      const kind = scheme.startsWith('mongo') ? 'MongoDB' : scheme.startsWith('redis') ? 'Redis' : scheme.startsWith('amqp') ? 'message broker' : 'database';
      if (LOCAL_HOSTS.test(host) && /(^|\/)(tests?|__tests__|spec|fixtures?|e2e)\/|\.(test|spec)\.[a-z]+$/i.test(ctx.path)) return no('a local test-fixture URL');
      if (LOCAL_HOSTS.test(host))
        return ok([`${kind} URL for a local host (${host}): a development password, but passwords get reused`], { severity: 'low', title: `${kind} URL with a password (local)` });
      return ok([`${kind} URL to ${host}: anyone with this string can connect`], { title: `${kind} connection URL with a password` });
    },
    severity: 'critical',
    examples: {
      truePositives: [
        'DATABASE_URL=postgres://app_user:{{a62:24}}@db.acme-prod.internal:5432/app',
        'mongodb+srv://admin:{{a62:16}}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true',
        'REDIS_URL=rediss://default:{{a62:32}}@eu1-fast-cod-12345.upstash.io:6379',
        'amqps://svc:{{a62:20}}@b-1234.mq.eu-west-1.amazonaws.com:5671',
        'mysql://root:{{a62:12}}@10.0.3.14:3306/shop',
      ],
      trueNegatives: [
        'postgres://postgres:postgres@localhost:5432/dev',
        'postgres://user:password@host:5432/db',
        'DATABASE_URL=postgres://${DB_USER}:${DB_PASS}@${DB_HOST}/app',
        'mongodb://<username>:<password>@cluster.mongodb.net',
        'postgresql://app:****@db.example.com/app',
        'redis://localhost:6379',
      ],
    },
  },
  {
    id: 'url-basic-auth',
    title: 'Password embedded in a URL',
    keywords: ['://'],
    pattern: /(?<scheme>https?|ftp|sftp|smtps?|ldaps?|git\+https?):\/\/(?<user>[A-Za-z0-9._%+-]{1,64}):(?<secret>[^\s@/'"`<>{}]{6,128})@(?<host>[A-Za-z0-9.-]+\.[A-Za-z]{2,})/i,
    validate: (password) => {
      const pw = safeDecode(password);
      if (/^\$|^%|^\*+$|^<|^\{/.test(pw)) return no('templated password');
      if (TRIVIAL_PASSWORDS.has(pw.toLowerCase())) return no('documentation default');
      return ok();
    },
    entropy: 2.5,
    priority: 1,
    severity: 'high',
    examples: {
      truePositives: ['git clone https://deploy:{{a62:20}}@git.acme-corp.com/platform/api.git', 'SMTP_URL=smtps://mailer:{{a62:16}}@smtp.mailgun.org:465'],
      trueNegatives: ['https://user:pass@example.com', 'https://${USER}:${TOKEN}@github.com/acme/repo.git', 'https://www.example.com/page'],
    },
  },
  {
    id: 'jdbc-password',
    title: 'Password in a JDBC / ADO.NET connection string',
    keywords: ['password=', 'pwd='],
    pattern: /(?:jdbc:[a-z]+:[^\s"']*[?;&]|(?:Server|Data Source|Host)=[^\s"']*;[^"'\n]*?)(?:password|pwd)=(?<secret>[^\s;&"']{4,128})/i,
    validate: (pw) => (TRIVIAL_PASSWORDS.has(pw.toLowerCase()) || /^\$|^\{|^</.test(pw) ? no('default or templated') : ok()),
    severity: 'critical',
    examples: {
      truePositives: ['Server=tcp:acme.database.windows.net,1433;Database=prod;User ID=app;Password={{a62:20}};Encrypt=true;', 'jdbc:postgresql://db.acme.io:5432/prod?user=app&password={{a62:18}}'],
      trueNegatives: ['Server=localhost;Database=dev;User Id=sa;Password=${SA_PASSWORD};'],
    },
  },
];

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
