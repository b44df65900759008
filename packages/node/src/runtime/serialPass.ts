import type { Logger } from "@vshard/engine";

/**
 * Runs an async pass one at a time on demand: a request while a pass runs makes exactly one more pass after it (the
 * requests in between are folded into it), so a burst of commits costs at most two passes and none is missed.
 */
export class SerialPass {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  /** Asks for a pass (now, or right after the one in progress). */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err) => this.logger.error({ err }, `${this.what} failed`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
  }

  /** Resolves when no pass runs or is due. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
