import { LedgerError } from "@vshard/types";

/** Why a benchmark building block refused its input. */
export type BenchErrorCode = "BENCH_ERROR_INVALID_INPUT";

/** An argument out of range (a negative rate, an empty sample, a non-finite value); `field` names it. */
export class BenchError extends LedgerError<{ code: BenchErrorCode; field: string }> {}

/** Throws a {@link BenchError} naming `field` unless `value` is a finite number. */
export function assertFinite(field: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field },
      `${field} must be a finite number, got ${value}`,
    );
  }
}

/** Throws a {@link BenchError} naming `field` unless `value` is a finite number ≥ 0. */
export function assertNonNegative(field: string, value: number): void {
  assertFinite(field, value);
  if (value < 0) {
    throw new BenchError({ code: "BENCH_ERROR_INVALID_INPUT", field }, `${field} must be ≥ 0, got ${value}`);
  }
}

/** Throws a {@link BenchError} naming `field` unless `value` is a finite number > 0. */
export function assertPositive(field: string, value: number): void {
  assertFinite(field, value);
  if (value <= 0) {
    throw new BenchError({ code: "BENCH_ERROR_INVALID_INPUT", field }, `${field} must be > 0, got ${value}`);
  }
}
