/**
 * Preloaded (`--import`) into a backend process by tests only: SIGUSR2 makes the process reject
 * a promise nobody awaits, SIGHUP makes it throw from a timer — the two process-level faults
 * whose handling (log and keep serving; log, shut down and exit 1) the tests check from outside.
 */
process.on('SIGUSR2', () => {
  void Promise.reject(new Error('probe: unhandled rejection'));
});
process.on('SIGHUP', () => {
  setImmediate(() => {
    throw new Error('probe: uncaught exception');
  });
});
