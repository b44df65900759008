import { expect } from "vitest";
import { DlfsError } from "../../src/dlfs/dlfsError.ts";

/** Runs `fn`, which must throw a `DlfsError`, and returns that error (for its code and message). */
export function dlfsFailure(fn: () => unknown): DlfsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DlfsError);
    return err as DlfsError;
  }
  throw new Error("expected a DlfsError, nothing was thrown");
}
