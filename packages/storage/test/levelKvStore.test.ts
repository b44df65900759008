import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LevelKvStore, StorageError } from "../src/index.ts";
import { tempDir } from "./fixtures.ts";

const b = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

async function rejection(p: Promise<unknown>): Promise<StorageError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageError);
  return err as StorageError;
}

describe("LevelKvStore", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it("keeps what was written across close and reopen", async () => {
    const first = await LevelKvStore.create({ path: dir.path });
    await first.batch([
      { type: "put", key: b(1), value: b(11) },
      { type: "put", key: b(2), value: b(22) },
    ]);
    await first.close();
    const second = await LevelKvStore.create({ path: dir.path });
    expect(await second.getMany([b(1), b(2), b(3)])).toEqual([b(11), b(22), null]);
    await second.close();
  });

  it("refuses a folder another handle holds with STORAGE_ERROR_LOCKED naming the folder", async () => {
    const holder = await LevelKvStore.create({ path: dir.path });
    try {
      const err = await rejection(LevelKvStore.create({ path: dir.path }));
      expect(err.code).toBe("STORAGE_ERROR_LOCKED");
      expect(err.type.path).toBe(dir.path);
      expect(err.message).toContain(`'${dir.path}' is locked`);
      expect(err.message).toMatch(/another process/);
      // The holder is unaffected.
      await holder.batch([{ type: "put", key: b(1), value: b(1) }]);
      expect(await holder.get(b(1))).toEqual(b(1));
    } finally {
      await holder.close();
    }
    // Once released, the folder opens again.
    const again = await LevelKvStore.create({ path: dir.path });
    expect(await again.get(b(1))).toEqual(b(1));
    await again.close();
  });

  it("reports a missing folder with STORAGE_ERROR_OPEN when it may not create one", async () => {
    const missing = join(dir.path, "absent");
    const err = await rejection(LevelKvStore.create({ path: missing, createIfMissing: false }));
    expect(err.code).toBe("STORAGE_ERROR_OPEN");
    expect(err.message).toContain(missing);
  });
});
