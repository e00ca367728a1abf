import type { SecretRule } from '../types.js';
import { aiRules } from './ai.js';
import { cloudRules } from './cloud.js';
import { commerceRules } from './commerce.js';
import { databaseRules } from './database.js';
import { genericRules } from './generic.js';
import { keyRules } from './keys.js';
import { messagingRules } from './messaging.js';
import { saasRules } from './saas.js';
import { sessionSecretRules } from './session-secrets.js';
import { vcsRules } from './vcs.js';

/** Every credential format launchready knows, most specific first. */
export const RULES: readonly SecretRule[] = [
  ...keyRules,
  ...cloudRules,
  ...vcsRules,
  ...commerceRules,
  ...messagingRules,
  ...aiRules,
  ...saasRules,
  ...databaseRules,
  ...sessionSecretRules,
  ...genericRules,
];

/**
 * Values published in vendor documentation and tutorials. Matching them is not a leak; they are
 * listed exactly so a real key that merely resembles them is still reported.
 */
export const KNOWN_EXAMPLE_VALUES: ReadonlySet<string> = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  'pk_test_TYooMQauvdEDq54NiTphI7jx',
  'pk_test_6pRNASCoBOKtIshFeQd4XMUh',
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'gho_16C7e42F292c6912E7710c838347Ae178B4a',
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  // The Telegram Bot API documentation's example token (core.telegram.org/bots/api), copied into many READMEs.
  '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11',
]);

export function ruleById(id: string): SecretRule | undefined {
  return RULES.find((r) => r.id === id);
}
