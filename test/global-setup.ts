import { findChromium, CHROMIUM_INSTALL_HINT } from '../src/browser/find.js';

/**
 * Runs once per vitest run, before any test file: one loud line when Chromium is missing (the
 * browser tests skip), or a hard failure when LAUNCHREADY_REQUIRE_CHROMIUM=1 (CI installs it, so a
 * skip there would hide a broken install).
 */
export default function setup(): void {
  if (findChromium()) return;
  const line = `Chromium not found: the browser tests are SKIPPED. To run them, ${CHROMIUM_INSTALL_HINT}.`;
  if (process.env['LAUNCHREADY_REQUIRE_CHROMIUM'] === '1') throw new Error(`${line} (LAUNCHREADY_REQUIRE_CHROMIUM=1 makes this an error)`);
  process.stderr.write(`\n\u001b[1m*** ${line} ***\u001b[0m\n\n`);
}
