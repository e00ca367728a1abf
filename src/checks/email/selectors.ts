/**
 * DKIM selectors worth probing when the config names none: knowledge as data. Providers that hand out
 * random selectors (Amazon SES, Postmark, SparkPost) cannot be guessed — hence "not confirmed", never
 * "missing", when nothing answers.
 */
export interface SelectorHint {
  selector: string;
  provider: string;
}

export const COMMON_SELECTORS: readonly SelectorHint[] = [
  { selector: 'google', provider: 'Google Workspace' },
  { selector: 'selector1', provider: 'Microsoft 365 (CNAME to onmicrosoft.com)' },
  { selector: 'selector2', provider: 'Microsoft 365 (CNAME to onmicrosoft.com)' },
  { selector: 'k1', provider: 'Mailchimp / Mandrill (CNAME to dkim.mcsv.net)' },
  { selector: 'k2', provider: 'Mailchimp (CNAME to dkim2.mcsv.net)' },
  { selector: 'k3', provider: 'Mailchimp (CNAME to dkim3.mcsv.net)' },
  { selector: 'mandrill', provider: 'Mandrill' },
  { selector: 's1', provider: 'SendGrid (CNAME to sendgrid.net)' },
  { selector: 's2', provider: 'SendGrid (CNAME to sendgrid.net)' },
  { selector: 'smtpapi', provider: 'SendGrid (legacy)' },
  { selector: 'default', provider: 'generic' },
  { selector: 'mail', provider: 'generic / Brevo' },
  { selector: 'dkim', provider: 'generic' },
  { selector: 'smtp', provider: 'generic / Mailgun' },
  { selector: 'mta', provider: 'Mailgun' },
  { selector: 'krs', provider: 'Mailgun' },
  { selector: 'pic', provider: 'Mailgun' },
  { selector: 'mx', provider: 'Mailgun' },
  { selector: 'fm1', provider: 'Fastmail (CNAME to messagingengine.com)' },
  { selector: 'fm2', provider: 'Fastmail (CNAME to messagingengine.com)' },
  { selector: 'fm3', provider: 'Fastmail (CNAME to messagingengine.com)' },
  { selector: 'protonmail', provider: 'Proton Mail (CNAME to protonmail.ch)' },
  { selector: 'protonmail2', provider: 'Proton Mail (CNAME to protonmail.ch)' },
  { selector: 'protonmail3', provider: 'Proton Mail (CNAME to protonmail.ch)' },
  { selector: 'zoho', provider: 'Zoho Mail' },
  { selector: 'zmail', provider: 'Zoho Mail' },
  { selector: 'hs1', provider: 'HubSpot (CNAME to hubspotemail.net)' },
  { selector: 'hs2', provider: 'HubSpot (CNAME to hubspotemail.net)' },
  { selector: 'zendesk1', provider: 'Zendesk (CNAME to zendesk.com)' },
  { selector: 'zendesk2', provider: 'Zendesk (CNAME to zendesk.com)' },
  { selector: 'mailjet', provider: 'Mailjet' },
  { selector: 'resend', provider: 'Resend' },
  { selector: 'kl', provider: 'Klaviyo (CNAME)' },
  { selector: 'kl2', provider: 'Klaviyo (CNAME)' },
  { selector: 'cm', provider: 'Campaign Monitor' },
  { selector: 'everlytickey1', provider: 'Everlytic' },
  { selector: 'dkim1', provider: 'generic' },
  { selector: 'key1', provider: 'generic' },
];

/** A selector is a sequence of labels (RFC 6376 §3.1). */
export function isValidSelector(s: string): boolean {
  return /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/.test(s);
}
