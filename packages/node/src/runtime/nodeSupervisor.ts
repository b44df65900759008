import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The `vshard` entry point every node process runs. */
const VSHARD_BIN = fileURLToPath(new URL("../../bin/vshard.js", import.meta.url));

/** Pause before a node that exited is started again: long enough for its ports to be free, short for a test. */
export const RESTART_DELAY_MS = 1_000;

/** A node that exits this soon after it started failed to start (a bad config, a port taken), not crashed. */
const FAILED_START_MS = 10_000;

/** Failed starts in a row after which the supervisor gives up instead of restarting for ever. */
const MAX_FAILED_STARTS = 3;

/** How long a node gets to stop after SIGTERM before it is killed (it finishes its block and closes its database). */
const STOP_GRACE_MS = 30_000;

/**
 * Runs `vshard node --config FILE` as a child process and keeps it running: a child that exits while supervised is
 * reported and started again after {@link RESTART_DELAY_MS} (a node killed with SIGKILL comes back, resuming from its
 * database). Its stdout and stderr are appended to `stdoutPath`; an IPC channel ties it to this process, so it stops
 * itself when this process dies (even by SIGKILL).
 */
export class NodeSupervisor {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private failedStarts = 0;
  /** How many times the node was started again after exiting. */
  restarts = 0;

  constructor(
    readonly opts: { name: string; configPath: string; stdoutPath: string },
    private readonly modules: { log: (line: string) => void },
  ) {}

  /** The running child's pid (null between an exit and the restart). */
  pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts the child; `onExit` hears of every exit (before any restart). */
  start(onExit?: (how: string) => void): void {
    const out = openSync(this.opts.stdoutPath, "a");
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [VSHARD_BIN, "node", "--config", this.opts.configPath], {
        stdio: ["ignore", out, out, "ipc"],
        // Its own process group: a Ctrl-C in the terminal reaches the devnet alone, which stops its nodes in order
        // (a node signalled twice, by the terminal and by the devnet, would die half-stopped).
        detached: true,
      });
    } finally {
      closeSync(out);
    }
    this.child = child;
    const startedAt = Date.now();
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.child = null;
        resolve();
        const how = signal ?? `code ${code}`;
        onExit?.(how);
        if (this.stopped) return;
        this.failedStarts = Date.now() - startedAt < FAILED_START_MS ? this.failedStarts + 1 : 0;
        if (this.failedStarts >= MAX_FAILED_STARTS) {
          this.modules.log(
            `${this.opts.name} exited (${how}) ${MAX_FAILED_STARTS} times within ${FAILED_START_MS / 1000} s of ` +
              `starting: not restarting it (see ${this.opts.stdoutPath})`,
          );
          return;
        }
        this.modules.log(`${this.opts.name} exited (${how}), restarting`);
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          if (this.stopped) return;
          this.restarts++;
          this.start(onExit);
        }, RESTART_DELAY_MS);
      });
    });
    // A child that cannot be spawned at all emits "error" (and maybe no exit): report it as an exit.
    child.once("error", (err) => this.modules.log(`${this.opts.name}: ${err.message}`));
  }

  /** Stops supervising and the child: SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    child.kill("SIGTERM");
    const grace = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(grace);
  }
}
