import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import type { ProcessNetworkOptions } from "../../src/runtime/processNetwork.ts";

const GPU_RENTAL = fileURLToPath(new URL("../../../../examples/gpu-rental.json", import.meta.url));

/** A process network of `validators` nodes with the gpu-rental chain, on fixed ports (nothing listens in these tests). */
export function processNetworkOptions(
  dataDir: string,
  over: Partial<ProcessNetworkOptions> & { validators: number },
): ProcessNetworkOptions {
  return {
    dataDir,
    apiPort: 17_700,
    p2pPort: 17_800,
    chains: [GPU_RENTAL],
    blockIntervalMs: 250,
    epochBlocks: 32,
    witnessesPerCommittee: 2,
    replicas: 3,
    verifyThreads: 0,
    logLevel: "warn",
    ...over,
  };
}

/** Temp folders for a describe block, removed after each test. Call inside `describe`. */
export function tempFolders(prefix: string): () => Promise<string> {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };
}
