/**
 * Time as consensus sees it: the system clock in a node, a simulated one in tests and the simulator.
 * A timer callback returns the promise of all the work it starts: the simulator awaits it before the next event, which
 * is what makes a simulated run replayable from its seed.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void | Promise<void>): () => void;
}

/** The wall clock with node timers; a callback's rejected promise is reported, never left unhandled. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(() => {
      Promise.resolve()
        .then(fn)
        .catch((err) => process.emitWarning(`timer callback failed: ${(err as Error).message}`));
    }, ms);
    return () => clearTimeout(t);
  },
};
