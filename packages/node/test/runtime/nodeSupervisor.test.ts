import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NodeSupervisor } from "../../src/runtime/nodeSupervisor.ts";

describe("NodeSupervisor", () => {
  it("gives up on a node that fails as it starts, saying where its output is", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vshard-supervisor-"));
    try {
      const lines: string[] = [];
      let gaveUp!: () => void;
      const done = new Promise<void>((resolve) => {
        gaveUp = resolve;
      });
      const stdoutPath = join(dir, "stdout.log");
      const supervisor = new NodeSupervisor(
        { name: "node-9", configPath: join(dir, "missing.json"), stdoutPath },
        {
          log: (line) => {
            lines.push(line);
            if (line.includes("not restarting")) gaveUp();
          },
        },
      );
      supervisor.start();
      await done;
      expect(lines.filter((l) => l.endsWith("restarting") && !l.includes("not"))).toHaveLength(2);
      expect(lines.at(-1)).toMatch(
        /node-9 exited \(code \d+\) 3 times within 10 s of starting: not restarting it/,
      );
      expect(supervisor.restarts).toBe(2);
      expect(supervisor.pid()).toBeNull();
      // What the node said is kept: the config file it could not read.
      expect(await readFile(stdoutPath, "utf8")).toContain("missing.json");
      await supervisor.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
