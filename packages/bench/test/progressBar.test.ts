import { describe, expect, it } from "vitest";
import { formatProgressLine, ProgressLine, type ProgressState, progressFraction } from "../src/index.ts";

const state = (elapsedMs: number, extra: Partial<ProgressState> = {}): ProgressState => ({
  elapsedMs,
  totalMs: 30_000,
  submitted: elapsedMs, // 1,000 tx/s
  committed: Math.floor(elapsedMs * 0.98),
  ...extra,
});

describe("formatProgressLine", () => {
  it("shows the bar, elapsed/total, percent, offered and committed rates and counts", () => {
    expect(formatProgressLine(state(12_000))).toBe(
      "[##########..............]  12.0s/30.0s  40%  offered 1,000 tx/s  committed 980 tx/s  (12,000 sent, 11,760 final)",
    );
  });

  it("starts empty, ends full, and never overflows", () => {
    expect(formatProgressLine(state(0))).toMatch(/^\[\.{24}\] {2}0\.0s\/30\.0s {2}0% {2}offered 0 tx\/s/);
    expect(formatProgressLine(state(30_000))).toContain(`[${"#".repeat(24)}]  30.0s/30.0s  100%`);
    expect(formatProgressLine(state(45_000))).toContain(`[${"#".repeat(24)}]  45.0s/30.0s  100%`);
  });

  it("uses the tx budget for count-bounded runs and shows the phase", () => {
    const s = state(2000, { totalMs: null, targetTxs: 8000, phase: "warm-up" });
    expect(progressFraction(s)).toBe(0.25);
    expect(formatProgressLine(s)).toBe(
      "warm-up  [######..................]  2.0s  25%  offered 1,000 tx/s  committed 980 tx/s  (2,000 sent, 1,960 final)",
    );
    expect(progressFraction(state(1000, { totalMs: null }))).toBeNull();
    expect(formatProgressLine(state(1000, { totalMs: null }))).toMatch(/^1\.0s {2}offered/);
  });
});

describe("ProgressLine", () => {
  it("rewrites one line in place on a TTY", () => {
    const out: string[] = [];
    const line = new ProgressLine({ isTTY: true, write: (t) => out.push(t) });
    line.update(state(1000));
    line.update(state(1100));
    line.finish(state(30_000));
    expect(out).toHaveLength(3);
    expect(out.every((t) => t.startsWith("\r"))).toBe(true);
    expect(out[0].endsWith("\x1b[K")).toBe(true);
    expect(out[2].endsWith("\x1b[K\n")).toBe(true);
  });

  it("prints plain lines at most once per interval of run time otherwise", () => {
    const out: string[] = [];
    const line = new ProgressLine({ write: (t) => out.push(t) }, 5000);
    for (let t = 0; t <= 12_000; t += 500) line.update(state(t));
    line.finish(state(12_345));
    expect(out.map((t) => t.match(/ (\d+\.\d)s\//)?.[1])).toEqual(["0.0", "5.0", "10.0", "12.3"]);
    expect(out.every((t) => t.endsWith("\n") && !t.includes("\r"))).toBe(true);
  });
});
