import { accessSync, constants } from 'node:fs';

/**
 * Where Chromium is, without loading playwright: LAUNCHREADY_CHROMIUM (or CHROMIUM_PATH) when set —
 * an explicit path is used as given, so pointing it at a missing file means "no Chromium" — else the
 * first executable of the usual Debian/Ubuntu/Fedora/Snap locations. Undefined when there is none.
 */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'] as const;

export const CHROMIUM_INSTALL_HINT = 'install Chromium (Debian/Ubuntu: sudo apt-get install -y chromium) or set LAUNCHREADY_CHROMIUM=/path/to/chromium';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const explicit = env['LAUNCHREADY_CHROMIUM'] || env['CHROMIUM_PATH'];
  if (explicit) return executable(explicit) ? explicit : undefined;
  return CHROMIUM_CANDIDATES.find(executable);
}
