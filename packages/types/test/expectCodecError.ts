import { expect } from "vitest";
import { CodecError, type CodecErrorCode } from "../src/index.ts";

/** Asserts that `fn` throws a CodecError with `code` whose message contains `message`. */
export function expectCodecError(fn: () => unknown, code: CodecErrorCode, message: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).code).toBe(code);
    expect((err as CodecError).message).toContain(message);
    return;
  }
  expect.unreachable("expected a CodecError");
}
