/**
 * Interruptions while files are written. Outside a write, SIGINT and SIGTERM keep their default
 * action: dtors stops at once, and since nothing is written until the very end, nothing is lost. While
 * files are staged, the signal is held, the staged files are removed, and the command ends with the
 * signal's exit status, leaving every existing output as it was. A reader that closes stdout early
 * (`dtors chart | head`) counts as an interruption too; it ends the run quietly with 0.
 */

export type Reason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'EPIPE';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** 128 + the signal's number, as shells report it; a closed pipe is the reader's choice, not a failure. */
export const INTERRUPT_EXIT: Record<Reason, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143, EPIPE: 0 };

export class Interrupted extends Error {
  constructor(readonly reason: Reason) {
    super(`interrupted by ${reason}`);
  }
}

let active: { reason?: Reason } | undefined;

/**
 * Runs `work`, holding off SIGINT, SIGTERM and SIGHUP. `checkpoint()` lets pending signals in (one
 * turn of the event loop) and throws Interrupted if one came; `work` calls it between steps it can
 * undo. A signal that arrives after the last checkpoint is ignored: the work was done by then.
 */
export async function holdingInterrupts<T>(work: (checkpoint: () => Promise<void>) => Promise<T> | T): Promise<T> {
  const state: { reason?: Reason } = {};
  const onSignal = (signal: NodeJS.Signals) => {
    state.reason ??= signal as Reason;
  };
  const outer = active;
  active = state;
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await work(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (state.reason) throw new Interrupted(state.reason);
    });
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
    active = outer;
  }
}

let guarded = false;

/**
 * For the real process only: a closed stdout ends the run quietly (0), after any write in progress is
 * undone; a closed stderr is ignored (the messages have nowhere to go, the exit status still tells).
 */
export function guardStreams(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    if (active) active.reason ??= 'EPIPE';
    else process.exit(0);
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}
