import { sessionSecretCandidates } from '../../probes/session/dictionary.js';
import { no, ok, type RuleTable } from './helpers.js';

/**
 * A default or tutorial secret passed straight to session middleware (express-session's `secret`,
 * `cookieParser(…)`, cookie-session's `keys`, Flask's `app.secret_key` and `app.config['SECRET_KEY']`),
 * with a value from the tutorials (see the examples below). The generic rules skip such values as
 * placeholder words; here the place makes them a real, forgeable secret.
 */
const DICTIONARY = new Set(sessionSecretCandidates().map((s) => s.toLowerCase()));

export const sessionSecretRules: RuleTable = [
  {
    id: 'session-middleware-default-secret',
    title: 'Session middleware signs cookies with a default or guessable secret',
    keywords: ['session', 'cookieparser', 'cookie_parser', 'secret_key', 'keys'],
    pattern:
      /(?:(?:session|cookieSession|cookie_session)\s*\(\s*\{[^}]{0,300}?\b(?:secret|keys)\s*:\s*\[?\s*|cookieParser\s*\(\s*|app\.secret_key\s*=\s*|\[\s*["']SECRET_KEY["']\s*\]\s*=\s*)(?<q>["'`])(?<secret>[^"'`\n]{1,100})\k<q>/i,
    validate: (value) => {
      if (/^\$\{|^process\.env/.test(value)) return no('an expression');
      if (DICTIONARY.has(value.toLowerCase())) return ok(['a published default / tutorial value: anyone can sign session cookies with it']);
      if (value.length < 12) return ok(['shorter than 12 characters: guessable offline from one cookie']);
      return no('not a known default and long enough to leave to the generic rules');
    },
    severity: 'critical',
    allowLowVariety: true,
    examples: {
      truePositives: ["app.use(session({ secret: 'keyboard cat', resave: false }))", "app.use(cookieParser('secret'))", "app.secret_key = 'dev'", "app.config['SECRET_KEY'] = 'hard to guess string'", "cookieSession({ name: 'sess', keys: ['shhhhh'] })"], // launchready-ignore -- the rule's own examples
      // The engine's shared placeholder filter drops values shaped like placeholders before any rule sees them.
      falseNegatives: ["app.use(session({ secret: 'changeme' }))", "app.secret_key = 'your secret key'"],
      trueNegatives: ['app.use(session({ secret: process.env.SESSION_SECRET }))', 'app.use(cookieParser(config.cookieSecret))', "app.secret_key = os.environ['SECRET_KEY']"],
    },
  },
];
