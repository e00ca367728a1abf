import { WEAK_JWT_SECRETS } from '../../identity/jwt.js';

/**
 * Secrets that sign session cookies in shipped apps: framework defaults and scaffolding values,
 * tutorial values, placeholders. Knowledge as data: a value added here is tried against every
 * signed cookie (offline) and flagged when the repo passes it to session middleware.
 */
export const FRAMEWORK_SESSION_SECRETS: readonly string[] = [
  // express-session / cookie-session / cookie-parser docs and tutorials
  'keyboard cat', 'keyboard-cat', 'my secret', 'mysecretkey', 'secret-key', 'sessionSecret', 'session secret', 'cookie secret', 'your secret here',
  'your-secret-here', 'some secret', 'somesecret', 'this is a secret', 'thisisasecret', 'thisismysecret', 'ilovescotchyscotch', 'cat', 'sssshhhhh',
  // Flask / itsdangerous
  'dev', 'development key', 'secret key', 'super secret key', 'change this', 'changethis', 'your secret key', 'your-secret-key-here', 'you-will-never-guess',
  'hard to guess string', 'CHANGE_ME', 'replace-me', 'flask-secret', 'flask_secret_key',
  // Django
  'django-insecure', 'django-secret', 'your-django-secret-key',
  // Rails
  'secret_key_base', 'rails-secret', 'change me',
  // Laravel (5.0's .env.example shipped this APP_KEY)
  'SomeRandomString', 'base64:', 'laravel-secret',
];

/** Every candidate, without duplicates, framework defaults first; `extra` (the app's own names) before them. */
export function sessionSecretCandidates(extra: readonly string[] = []): string[] {
  return [...new Set([...extra.filter((s) => s.length > 0), ...FRAMEWORK_SESSION_SECRETS, ...WEAK_JWT_SECRETS])];
}

/** Names the app is known by (host labels, page title words): developers sign cookies with them. */
export function appNameCandidates(host: string | undefined, title: string | undefined): string[] {
  const out = new Set<string>();
  const add = (s: string): void => {
    const v = s.trim();
    if (v.length < 3 || v.length > 40) return;
    out.add(v);
    out.add(v.toLowerCase());
    for (const suffix of ['-secret', '_secret', 'secret', '-session', ' secret']) out.add(`${v.toLowerCase()}${suffix}`);
  };
  if (host && !/^[\d.:[\]]+$/.test(host) && host !== 'localhost') {
    for (const label of host.split('.').slice(0, -1)) if (!/^(www|app|api|staging|dev)$/.test(label)) add(label);
  }
  if (title) {
    add(title);
    for (const w of title.split(/[\s|·–—:-]+/)) add(w);
  }
  return [...out].slice(0, 40);
}
