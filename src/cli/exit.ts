/** Process exit codes of every command. */
export const EXIT = { ready: 0, notReady: 1, usage: 2, incomplete: 3 } as const;
