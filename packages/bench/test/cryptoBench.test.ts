import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCryptoBench } from "../src/index.ts";

describe("runCryptoBench", () => {
  it("measures every path in one short run, prints progress and the ratios, and saves the report", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vshard-crypto-bench-"));
    try {
      const lines: string[] = [];
      const report = await runCryptoBench({
        seconds: 0.05,
        threads: 1,
        ed25519Sets: 64,
        resultsDir: dir,
        log: (line) => lines.push(line),
      });
      expect(report.kind).toBe("crypto");
      expect(report.threads).toBe(1);
      expect(report.results.map((r) => r.name)).toEqual([
        "ed25519 verify, @noble/curves",
        "ed25519 verify, node:crypto",
        "ed25519 verify, SingleThreadVerifier",
        "ed25519 verify, VerifyPool (1 threads)",
        "bls verify",
        "bls fastAggregateVerify, 100 signers",
      ]);
      for (const r of report.results) {
        expect(r.operations).toBeGreaterThan(0);
        expect(r.perSecond).toBeCloseTo(r.operations / r.seconds);
      }
      expect(report.ratios.nodeCryptoOverNoble).toBeGreaterThan(0);
      expect(report.ratios.poolOverSingleThread).toBeGreaterThan(0);
      expect(lines.some((l) => l.startsWith("pool ÷ single thread"))).toBe(true);
      expect(lines.some((l) => l.startsWith("node:crypto ÷ noble"))).toBe(true);
      expect(report.file).not.toBeNull();
      expect(report.file!.startsWith(dir)).toBe(true);
      expect(JSON.parse(await readFile(report.file!, "utf8"))).toEqual(report);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("does not save when resultsDir is null", async () => {
    const report = await runCryptoBench({
      seconds: 0.02,
      threads: 1,
      ed25519Sets: 16,
      resultsDir: null,
      log: () => {},
    });
    expect(report.file).toBeNull();
  });
});
