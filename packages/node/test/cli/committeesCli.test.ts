import { describe, expect, it } from "vitest";
import { vshard } from "./cliRunner.ts";

const CASE = [
  "committees",
  "bound",
  "--validators",
  "2000",
  "--byzantine",
  "0.25",
  "--committee-size",
  "600",
];

describe("vshard committees bound", () => {
  it("prints the probabilities, the smallest safe size and OK or a warning (exit 0 both), 1 on usage errors", async () => {
    const [ok, warn, tooBig, missing] = await Promise.all([
      vshard([...CASE, "--shards", "3"]),
      vshard([...CASE, "--shards", "3", "--max", "1e-8"]),
      vshard([...CASE.slice(0, -1), "3000", "--shards", "1"]),
      vshard(CASE),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trimEnd().split("\n")).toEqual([
      "2000 validators, 500 Byzantine (25%); 3 shards, committees of 600; 200 Byzantine members (⌈600/3⌉) take a " +
        "committee over",
      "per-committee takeover probability: 2.02e-8 (1 in 4.95e7)",
      "some shard taken over, union bound (an upper bound): 6.06e-8 (1 in 1.65e7)",
      "some shard taken over, exact: 6.06e-8 (1 in 1.65e7)",
      "smallest committee size with bound ≤ 1e-6 for 3 shards: 514 (bound 9.281e-7)",
      "OK: bound 6.06e-8 ≤ max 1e-6",
    ]);

    expect(warn.code).toBe(0);
    expect(warn.stdout.trimEnd().split("\n").at(-1)).toBe(
      "WARNING: bound 6.06e-8 exceeds max 1e-8; the smallest committee size under it is 637",
    );

    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toContain("vshard: --committee-size: 3000 is larger than validators (2000)");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--shards <m>' not specified");
  });
});
