/** A fake of the app's consensus-data store in memory; `fail()` makes every later save throw (a full disk). */
export function memoryStore() {
  const data = new Map<string, Uint8Array>();
  let failing = false;
  return {
    data,
    fail: () => {
      failing = true;
    },
    loadConsensusData: async (name: string) => data.get(name) ?? null,
    saveConsensusData: async (name: string, value: Uint8Array) => {
      if (failing) throw new Error("disk full");
      data.set(name, value);
    },
  };
}
