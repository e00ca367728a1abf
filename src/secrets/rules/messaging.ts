import { END, START, assignedTo, no, ok, type RuleTable } from './helpers.js';

/** Chat, email and SMS providers, and incoming webhooks. */
export const messagingRules: RuleTable = [
  {
    id: 'slack-token',
    title: 'Slack token',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe-', 'xoxe.', 'xapp-'],
    pattern: new RegExp(
      String.raw`${START}(?<secret>xox[bpaosr]-(?:\d+-)+[A-Za-z0-9]{16,}|xox[bp]-\d{10,13}-[A-Za-z0-9-]{20,}|xoxe\.xox[bp]-1-[A-Za-z0-9]{140,}|xoxe-1-[A-Za-z0-9]{140,}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]{40,})${END}`,
    ),
    validate: (t) =>
      ok([t.startsWith('xoxb') ? 'bot token' : t.startsWith('xoxp') ? 'user token: acts as a person' : t.startsWith('xapp') ? 'app-level token' : 'Slack token']),
    severity: 'high',
    examples: {
      truePositives: ['SLACK_BOT_TOKEN=xoxb-{{dig:12}}-{{dig:13}}-{{a62:24}}', 'xoxp-{{dig:12}}-{{dig:12}}-{{dig:13}}-{{hex:32}}', 'xapp-1-A{{upper:10}}-{{dig:13}}-{{hex:64}}'],
      trueNegatives: ['xoxb-your-token', 'xoxb-{{dig:5}}'],
    },
  },
  {
    id: 'slack-webhook-url',
    title: 'Slack incoming webhook URL',
    keywords: ['hooks.slack.com'],
    pattern: /(?<secret>https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_]{8,}\/[A-Za-z0-9_]{8,}\/[A-Za-z0-9_]{20,})/,
    severity: 'high',
    examples: {
      truePositives: ['SLACK_WEBHOOK=https://hooks.slack.com/services/T{{upper:8}}/B{{upper:10}}/{{a62:24}}'],
      trueNegatives: ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'https://hooks.slack.com/services/...'],
    },
  },
  {
    id: 'discord-webhook-url',
    title: 'Discord webhook URL',
    keywords: ['discord.com/api/webhooks', 'discordapp.com/api/webhooks'],
    pattern: /(?<secret>https?:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,68})/,
    severity: 'high',
    examples: { truePositives: ['https://discord.com/api/webhooks/{{dig:19}}/{{b64u:68}}'], trueNegatives: ['https://discord.com/api/webhooks/123/abc'] },
  },
  {
    id: 'discord-bot-token',
    title: 'Discord bot token',
    keywords: ['discord', 'bot_token', 'bottoken', 'client.login'],
    pattern: new RegExp(String.raw`${START}(?<secret>[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})${END}`),
    validate: (token) => {
      const id = Buffer.from(token.split('.')[0]!, 'base64').toString('latin1');
      return /^\d{17,20}$/.test(id) ? ok(['first part decodes to a Discord user id']) : no('first part is not a base64 user id');
    },
    severity: 'high',
    examples: {
      truePositives: [(s) => `DISCORD_BOT_TOKEN=${Buffer.from(s('1{{dig:17}}')).toString('base64').replace(/=+$/, '')}.${s('{{b64u:6}}')}.${s('{{b64u:38}}')}`],
      trueNegatives: ['DISCORD_BOT_TOKEN=M{{a62:23}}.{{b64u:6}}.{{b64u:27}}'],
    },
  },
  {
    id: 'telegram-bot-token',
    title: 'Telegram bot token',
    keywords: [':aa'],
    pattern: new RegExp(String.raw`${START}(?<secret>\d{8,10}:AA[A-Za-z0-9_-]{33})${END}`),
    severity: 'high',
    examples: { truePositives: ['TELEGRAM_BOT_TOKEN={{dig:10}}:AA{{b64u:33}}'], trueNegatives: ['{{dig:10}}:AA{{b64u:10}}'] },
  },
  {
    id: 'teams-webhook-url',
    title: 'Microsoft Teams incoming webhook URL',
    keywords: ['webhook.office.com', 'logic.azure.com'],
    pattern:
      /(?<secret>https:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/[a-z0-9-]{36}@[a-z0-9-]{36}\/IncomingWebhook\/[a-zA-Z0-9]{32}\/[a-z0-9-]{36}(?:\/[A-Za-z0-9_-]+)?)/,
    severity: 'medium',
    examples: {
      truePositives: ['https://acme.webhook.office.com/webhookb2/{{hex:8}}-{{hex:4}}-{{hex:4}}-{{hex:4}}-{{hex:12}}@{{hex:8}}-{{hex:4}}-{{hex:4}}-{{hex:4}}-{{hex:12}}/IncomingWebhook/{{a62:32}}/{{hex:8}}-{{hex:4}}-{{hex:4}}-{{hex:4}}-{{hex:12}}'],
      trueNegatives: ['https://acme.webhook.office.com/webhookb2/'],
    },
  },
  {
    id: 'twilio-api-key',
    title: 'Twilio API key SID',
    keywords: ['sk'],
    pattern: new RegExp(String.raw`${START}(?<secret>SK[0-9a-fA-F]{32})${END}`),
    entropy: 3,
    severity: 'high',
    examples: { truePositives: ['TWILIO_API_KEY=SK{{hex:32}}'], trueNegatives: ['SK{{hex:12}}', 'SK00000000000000000000000000000000'] },
  },
  {
    id: 'twilio-auth-token',
    title: 'Twilio auth token or API secret',
    keywords: ['twilio'],
    pattern: assignedTo('twilio', String.raw`[a-f0-9]{32}|[A-Za-z0-9]{32}`, String.raw`[\w.-]{0,20}?(?:auth[_-]?token|secret|token)`),
    entropy: 3,
    priority: 1,
    severity: 'critical',
    examples: { truePositives: ['TWILIO_AUTH_TOKEN={{hex:32}}', 'twilioApiSecret: "{{a62:32}}"'], trueNegatives: ['TWILIO_ACCOUNT_SID=AC{{hex:32}}', 'TWILIO_AUTH_TOKEN=your_auth_token'] },
  },
  {
    id: 'sendgrid-api-key',
    title: 'SendGrid API key',
    keywords: ['sg.'],
    pattern: new RegExp(String.raw`${START}(?<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})${END}`),
    severity: 'high',
    examples: { truePositives: ['SENDGRID_API_KEY=SG.{{b64u:22}}.{{b64u:43}}'], trueNegatives: ['SG.{{b64u:10}}.{{b64u:10}}'] },
  },
  {
    id: 'mailgun-api-key',
    title: 'Mailgun API key',
    keywords: ['key-', 'mailgun'],
    pattern: new RegExp(
      String.raw`${START}(?<secret>key-[0-9a-f]{32})${END}|mailgun[\w.-]{0,20}?(?:api[_-]?)?key["']?\s{0,3}(?:=|:)\s{0,3}["']?(?<secret2>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})${END}`,
      'i',
    ),
    severity: 'high',
    examples: { truePositives: ['MAILGUN_API_KEY=key-{{hex:32}}', 'MAILGUN_API_KEY={{hex:32}}-{{hex:8}}-{{hex:8}}'], trueNegatives: ['key-{{hex:10}}', 'MAILGUN_DOMAIN=mg.acme.com'] },
  },
  {
    id: 'postmark-server-token',
    title: 'Postmark server or account token',
    keywords: ['postmark'],
    pattern: assignedTo('postmark', String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, String.raw`[\w.-]{0,30}?(?:token|key|secret)`),
    priority: 1,
    severity: 'high',
    examples: { truePositives: ['POSTMARK_SERVER_TOKEN={{hex:8}}-{{hex:4}}-{{hex:4}}-{{hex:4}}-{{hex:12}}', 'X-Postmark-Server-Token: {{hex:8}}-{{hex:4}}-{{hex:4}}-{{hex:4}}-{{hex:12}}'], trueNegatives: ['POSTMARK_STREAM=outbound'] },
  },
  {
    id: 'resend-api-key',
    title: 'Resend API key',
    keywords: ['re_'],
    pattern: new RegExp(String.raw`${START}(?<secret>re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24})${END}`),
    entropy: 3.5,
    severity: 'high',
    examples: { truePositives: ['RESEND_API_KEY=re_{{a62:8}}_{{a62:24}}'], trueNegatives: ['re_{{a62:8}}'] },
  },
  {
    id: 'brevo-api-key',
    title: 'Brevo (Sendinblue) API or SMTP key',
    keywords: ['xkeysib-', 'xsmtpsib-'],
    pattern: new RegExp(String.raw`${START}(?<secret>x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})${END}`),
    severity: 'high',
    examples: { truePositives: ['BREVO_API_KEY=xkeysib-{{hex:64}}-{{a62:16}}'], trueNegatives: ['xkeysib-{{hex:10}}'] },
  },
  {
    id: 'mailchimp-api-key',
    title: 'Mailchimp API key',
    keywords: ['-us'],
    pattern: new RegExp(String.raw`${START}(?<secret>[0-9a-f]{32}-us\d{1,2})${END}`),
    severity: 'high',
    examples: { truePositives: ['MAILCHIMP_API_KEY={{hex:32}}-us21'], trueNegatives: ['{{hex:32}}-useast'] },
  },
  {
    id: 'vonage-api-secret',
    title: 'Vonage (Nexmo) / Plivo / MessageBird API secret',
    keywords: ['vonage', 'nexmo', 'plivo', 'messagebird'],
    pattern: assignedTo('vonage|nexmo|plivo|messagebird', String.raw`[A-Za-z0-9]{16,40}`, String.raw`[\w.-]{0,20}?(?:secret|auth[_-]?token|access[_-]?key|api[_-]?key)`),
    entropy: 3.3,
    priority: 1,
    severity: 'high',
    examples: { truePositives: ['VONAGE_API_SECRET={{a62:16}}'], trueNegatives: ['VONAGE_API_SECRET='] },
  },
  {
    id: 'zapier-webhook-url',
    title: 'Zapier catch-hook URL',
    keywords: ['hooks.zapier.com'],
    pattern: /(?<secret>https:\/\/hooks\.zapier\.com\/hooks\/catch\/\d+\/[a-z0-9]{6,}\/?)/,
    severity: 'medium',
    examples: { truePositives: ['https://hooks.zapier.com/hooks/catch/{{dig:7}}/{{lower:7}}/'], trueNegatives: ['https://hooks.zapier.com/hooks/catch/'] },
  },
];
