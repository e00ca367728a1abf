/**
 * What an error page must never show, as data (gitleaks' lesson): each signature is a regex over a
 * response body with the kind of leak it proves. Examples are checked by the tests.
 */
export interface LeakSignature {
  id: string;
  kind: 'stack-trace' | 'sql-error' | 'orm-error' | 'debug-page' | 'file-path' | 'framework-banner';
  pattern: RegExp;
  examples: string[];
  nonExamples: string[];
}

export const LEAK_SIGNATURES: LeakSignature[] = [
  {
    id: 'node-stack',
    kind: 'stack-trace',
    pattern: /\bat (?:async )?(?:[\w$.<>[\] ]+ )?\(?(?:file:\/\/)?(?:\/|[A-Za-z]:\\|node:)[^\s)]+:\d+:\d+\)?/,
    examples: ['Error: boom\n    at Object.handler (/app/src/routes/tickets.js:42:13)', 'at async Promise.all (index 0)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'],
    nonExamples: ['Meet us at the office (Main Street 42)', 'Delivered at 10:42:13'],
  },
  {
    id: 'python-traceback',
    kind: 'stack-trace',
    pattern: /Traceback \(most recent call last\):|File "[^"]+\.py", line \d+/,
    examples: ['Traceback (most recent call last):\n  File "/app/main.py", line 10, in <module>'],
    nonExamples: ['The file "report.pdf" is on line 10 of the list'],
  },
  {
    id: 'java-stack',
    kind: 'stack-trace',
    pattern: /\bat (?:[A-Za-z_$][\w$]*\.){2,}[\w$<>]+\((?:[\w$]+\.java|Native Method|Unknown Source):?\d*\)/,
    examples: ['at org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)'],
    nonExamples: ['at example.com (see java docs)'],
  },
  {
    id: 'dotnet-stack',
    kind: 'stack-trace',
    pattern: /\bat [\w.]+\.[\w<>]+\([^)]*\) in [^\n]+:line \d+|System\.\w+Exception:/,
    examples: ['System.NullReferenceException: Object reference not set', 'at App.Controllers.Home.Index() in C:\\src\\Home.cs:line 12'],
    nonExamples: ['Exception handling is covered in line 12 of the guide'],
  },
  {
    id: 'php-error',
    kind: 'stack-trace',
    pattern: /(?:Fatal error|Warning|Parse error|Notice)<\/b>:|PHP (?:Fatal error|Warning|Parse error):|Stack trace:\s*\n#0 /,
    examples: ['<b>Fatal error</b>: Uncaught Exception', 'PHP Warning: include(x.php)', 'Stack trace:\n#0 /var/www/index.php(3)'],
    nonExamples: ['A warning: do not do this'],
  },
  {
    id: 'ruby-stack',
    kind: 'stack-trace',
    pattern: /\/[\w/.-]+\.rb:\d+:in `[^']+'/,
    examples: ["/app/controllers/users_controller.rb:12:in `show'"],
    nonExamples: ['ruby is great'],
  },
  {
    id: 'go-panic',
    kind: 'stack-trace',
    pattern: /\bpanic: .+\n+goroutine \d+ \[|\/[\w/.-]+\.go:\d+ \+0x[0-9a-f]+/,
    examples: ['panic: runtime error\n\ngoroutine 1 [running]:', '/app/main.go:42 +0x1d'],
    nonExamples: ['Do not panic: the goroutine docs are here'],
  },
  {
    id: 'sql-error',
    kind: 'sql-error',
    pattern:
      /SQLITE_(?:ERROR|CONSTRAINT|MISMATCH|RANGE)|SqliteError|near "[^"]*": syntax error|You have an error in your SQL syntax|ORA-\d{5}|PG::\w+Error|ERROR:\s+(?:syntax error at or near|relation "[^"]+" does not exist|column "[^"]+" (?:of relation "[^"]+" )?does not exist|duplicate key value violates|invalid input syntax for)|SQLSTATE\[\w+\]|Unclosed quotation mark after the character string|Microsoft OLE DB Provider for SQL Server|com\.mysql\.jdbc|Warning: mysql_|UNIQUE constraint failed|NOT NULL constraint failed|no such (?:table|column): \w+|unrecognized token: "|unterminated quoted string at or near|Incorrect syntax near '|quoted string not properly terminated|sqlite3\.OperationalError|psycopg2?\.(?:errors\.\w+|ProgrammingError)|MySqlException|SQLiteException/,
    examples: [
      'SqliteError: NOT NULL constraint failed: tickets.subject',
      'ERROR:  syntax error at or near "\'"',
      'You have an error in your SQL syntax; check the manual',
      'SQLSTATE[42000]: Syntax error',
      'unrecognized token: "\'"',
      'ERROR: unterminated quoted string at or near "\'"',
      "Incorrect syntax near 'x'.",
      'ORA-01756: quoted string not properly terminated',
      'sqlite3.OperationalError: near "x": syntax error',
      'psycopg2.errors.SyntaxError: syntax error',
    ],
    nonExamples: ['Your search syntax is invalid, please try again', 'ERROR: invalid email'],
  },
  {
    id: 'orm-error',
    kind: 'orm-error',
    pattern: /PrismaClient(?:Known|Unknown|Validation)RequestError|Invalid `prisma\.\w+\.\w+\(\)` invocation|SequelizeDatabaseError|SequelizeValidationError|QueryFailedError|MongoServerError|MongoError:|CastError: Cast to ObjectId failed|TypeORMError|KnexTimeoutError|sqlalchemy\.exc\.\w+|ActiveRecord::\w+|Doctrine\\DBAL\\Exception|django\.db\.utils\.\w+Error/,
    examples: ['PrismaClientKnownRequestError: Invalid `prisma.user.findUnique()` invocation', 'CastError: Cast to ObjectId failed for value "x"', 'sqlalchemy.exc.IntegrityError'],
    nonExamples: ['We use a database to store your data'],
  },
  {
    id: 'debug-page',
    kind: 'debug-page',
    pattern:
      /Werkzeug Debugger|<title>Django Debug|You're seeing this error because you have <code>DEBUG = True<\/code>|Whoops! There was an error\.|<title>Action Controller: Exception caught<\/title>|__NEXT_DATA__[^<]*"err":\{"name"|Laravel\s*<\/span>|Symfony\\Component\\ErrorHandler|<h2>Server Error in '\/' Application\.<\/h2>|Express<\/title>[\s\S]{0,200}<pre>/,
    examples: ["You're seeing this error because you have <code>DEBUG = True</code> in your Django settings", 'Werkzeug Debugger', "<h2>Server Error in '/' Application.</h2>"],
    nonExamples: ['Debugging guide for customers'],
  },
  {
    id: 'server-path',
    kind: 'file-path',
    pattern: /(?<![\w.-])(?:\/home\/\w+|\/var\/www|\/usr\/src\/app|\/opt\/app|\/app\/(?:src|node_modules|dist))\/[\w./-]+\.(?:js|ts|mjs|cjs|py|rb|php|go|java)\b|[A-Z]:\\(?:inetpub|Users\\\w+|src)\\[\w\\.-]+\.(?:cs|js|py|php)\b/,
    examples: ['/usr/src/app/node_modules/express/lib/router/index.js', 'C:\\inetpub\\wwwroot\\app.cs'],
    nonExamples: ['/api/invoices/12', 'https://example.com/app/src/index.js'],
  },
  {
    id: 'passwd-file',
    kind: 'file-path',
    // The contents of /etc/passwd: a path-traversal payload reached the file system.
    pattern: /(?:^|[\n"'])root:[x*!]?:0:0:[^\n:]*:\/root:\/[\w/]+/,
    examples: ['root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin', '{"content":"root:x:0:0:root:/root:/bin/sh"}'],
    nonExamples: ['root: 0 items', 'Your root folder is /root'],
  },
];

export interface LeakMatch {
  id: string;
  kind: LeakSignature['kind'];
  /** A short excerpt around the match (the caller redacts it). */
  excerpt: string;
}

export function findLeaks(body: string): LeakMatch[] {
  const out: LeakMatch[] = [];
  const text = body.length > 200_000 ? body.slice(0, 200_000) : body;
  for (const s of LEAK_SIGNATURES) {
    const m = s.pattern.exec(text);
    if (!m) continue;
    const start = Math.max(0, m.index - 60);
    out.push({ id: s.id, kind: s.kind, excerpt: text.slice(start, m.index + m[0].length + 60).replace(/\s+/g, ' ').trim() });
  }
  return out;
}
