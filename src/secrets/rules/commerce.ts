import { END, START, assignedTo, ok, type RuleTable } from './helpers.js';

/** Payments and commerce. */
export const commerceRules: RuleTable = [
  {
    id: 'stripe-secret-key',
    title: 'Stripe secret or restricted key',
    keywords: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'],
    pattern: new RegExp(String.raw`${START}(?<secret>[sr]k_(?:live|test)_[0-9a-zA-Z]{20,247})${END}`),
    validate: (key) => {
      const restricted = key.startsWith('rk_');
      if (key.includes('_test_'))
        return ok(['test-mode key: no real money, but it exposes your test data and account settings'], {
          severity: 'low',
          title: restricted ? 'Stripe restricted key (test mode)' : 'Stripe secret key (test mode)',
        });
      return ok([restricted ? 'live restricted key' : 'live secret key: full API access to charges, refunds and customer data'], {
        title: restricted ? 'Stripe restricted key (live)' : 'Stripe secret key (live)',
      });
    },
    severity: 'critical',
    examples: {
      truePositives: ['STRIPE_SECRET_KEY=sk_live_{{a62:24}}', 'stripe.api_key = "rk_live_{{a62:99}}"', 'sk_test_{{a62:24}}'],
      trueNegatives: ['sk_live_xxxxxxxxxxxxxxxxxxxxxxxx', 'sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_{{a62:8}}', 'sk_live_1234567890abcdefghijklmn'],
    },
  },
  {
    id: 'stripe-publishable-key',
    title: 'Stripe publishable key',
    keywords: ['pk_live_', 'pk_test_'],
    pattern: new RegExp(String.raw`${START}(?<secret>pk_(?:live|test)_[0-9a-zA-Z]{20,247})${END}`),
    publicByDesign: true,
    severity: 'info',
    examples: { truePositives: ['NEXT_PUBLIC_STRIPE_KEY=pk_live_{{a62:99}}'], trueNegatives: ['pk_live_{{a62:5}}'] },
  },
  {
    id: 'stripe-webhook-secret',
    title: 'Stripe webhook signing secret',
    keywords: ['whsec_'],
    pattern: new RegExp(String.raw`${START}(?<secret>whsec_[A-Za-z0-9+/=]{32,})${END}`),
    entropy: 3.5,
    severity: 'high',
    examples: { truePositives: ['STRIPE_WEBHOOK_SECRET=whsec_{{a62:32}}'], trueNegatives: ['whsec_{{a62:8}}', 'whsec_...'] },
  },
  {
    id: 'square-token',
    title: 'Square access token or OAuth secret',
    keywords: ['eaaa', 'sq0atp-', 'sq0csp-'],
    pattern: new RegExp(String.raw`${START}(?<secret>EAAA[A-Za-z0-9_-]{60}|sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43})${END}`),
    entropy: 3.5,
    severity: 'critical',
    examples: { truePositives: ['SQUARE_ACCESS_TOKEN=EAAA{{b64u:60}}', 'sq0csp-{{b64u:43}}'], trueNegatives: ['EAAA{{b64u:20}}'] },
  },
  {
    id: 'shopify-token',
    title: 'Shopify access token or shared secret',
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    pattern: new RegExp(String.raw`${START}(?<secret>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})${END}`),
    validate: (t) => ok([t.startsWith('shpss_') ? 'app shared secret (signs webhooks and OAuth)' : 'Admin API access token']),
    severity: 'critical',
    examples: { truePositives: ['SHOPIFY_ACCESS_TOKEN=shpat_{{hex:32}}', 'shpss_{{hex:32}}'], trueNegatives: ['shpat_{{hex:10}}'] },
  },
  {
    id: 'braintree-access-token',
    title: 'PayPal Braintree access token',
    keywords: ['access_token$production$', 'access_token$sandbox$'],
    pattern: /(?<secret>access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32})/,
    severity: 'critical',
    examples: { truePositives: ['access_token$production${{lower:16}}${{hex:32}}'], trueNegatives: ['access_token$production$short'] },
  },
  {
    id: 'plaid-secret',
    title: 'Plaid secret or access token',
    keywords: ['plaid', 'access-production-', 'access-development-'],
    pattern: new RegExp(
      String.raw`(?<secret>access-(?:production|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|plaid[\w.-]{0,20}?secret["']?\s{0,3}(?:=|:)\s{0,3}["']?(?<secret2>[a-f0-9]{30})${END}`,
      'i',
    ),
    severity: 'high',
    examples: { truePositives: ['PLAID_SECRET={{hex:30}}', 'access-production-{{hex:8}}-{{hex:4}}-4{{hex:3}}-8{{hex:3}}-{{hex:12}}'], trueNegatives: ['PLAID_CLIENT_ID={{hex:24}}'] },
  },
  {
    id: 'paddle-api-key',
    title: 'Paddle API key',
    keywords: ['pdl_live_', 'pdl_sdbx_'],
    pattern: new RegExp(String.raw`${START}(?<secret>pdl_(?:live|sdbx)_apikey_[a-z0-9]{26}_[A-Za-z0-9]{22}_[A-Za-z0-9]{3})${END}`),
    severity: 'high',
    examples: { truePositives: ['pdl_live_apikey_{{lower:26}}_{{a62:22}}_{{a62:3}}'], trueNegatives: ['pdl_live_apikey_x'] },
  },
  {
    id: 'shippo-token',
    title: 'Shippo API token',
    keywords: ['shippo_live_', 'shippo_test_'],
    pattern: new RegExp(String.raw`${START}(?<secret>shippo_(?:live|test)_[a-f0-9]{40})${END}`),
    severity: 'high',
    examples: { truePositives: ['shippo_live_{{hex:40}}'], trueNegatives: ['shippo_live_{{hex:4}}'] },
  },
  {
    id: 'coinbase-commerce-key',
    title: 'Coinbase / crypto exchange API secret',
    keywords: ['coinbase', 'binance', 'kraken'],
    pattern: assignedTo('coinbase|binance|kraken', String.raw`[A-Za-z0-9+/=_-]{32,100}`, String.raw`[\w.-]{0,20}?(?:secret|private[_-]?key|api[_-]?key)`),
    entropy: 3.8,
    priority: 1,
    severity: 'critical',
    examples: { truePositives: ['BINANCE_API_SECRET={{a62:64}}'], trueNegatives: ['BINANCE_API_SECRET=${BINANCE_SECRET}'] },
  },
];
