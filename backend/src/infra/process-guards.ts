import type { Logger } from './logger';

export interface ProcessGuardOptions {
  logger: Logger;
  /**
   * Runs after an uncaught exception was logged: the caller's normal shutdown (close the
   * server, the database, the KV store), ending with the process exit.
   */
  fatal: (reason: string) => void;
  /** How long the shutdown may take before the process exits anyway. */
  forceExitAfterMs?: number;
  /** The process (a test passes its own emitter and exit). */
  proc?: Pick<NodeJS.Process, 'on' | 'off'>;
  exit?: (code: number) => void;
}

/**
 * Process-wide last resorts. A rejected promise nobody awaited is logged and the process keeps
 * serving (one bad request must not take every merchant down; Node's default would exit). An
 * uncaught exception leaves the process in an unknown state, so — as Node's documentation
 * advises — it is logged, then the process shuts down and exits with 1 for the supervisor to
 * restart it. Returns a function that removes both handlers.
 */
export function installProcessGuards(options: ProcessGuardOptions): () => void {
  const { logger, fatal } = options;
  const proc = options.proc ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let failing = false;
  const onRejection = (reason: unknown) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  };
  const onException = (err: Error, origin: string) => {
    logger.fatal({ err, origin }, 'uncaught exception; shutting down');
    if (failing) return;
    failing = true;
    setTimeout(() => exit(1), options.forceExitAfterMs ?? 10_000).unref();
    try {
      fatal('uncaughtException');
    } catch (shutdownErr) {
      logger.fatal({ err: shutdownErr }, 'shutdown after an uncaught exception failed');
      exit(1);
    }
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}
