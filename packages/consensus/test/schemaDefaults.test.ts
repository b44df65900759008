import { DEFAULT_BFT_PARAMS, DEFAULT_DPOS_PARAMS, DEFAULT_SOLO_PARAMS } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { bftOptionsFrom, defaultBftOptions } from "../src/bft/options.ts";
import { defaultDposOptions, dposOptionsFrom } from "../src/dpos/options.ts";
import { defaultSoloOptions, soloOptionsFrom } from "../src/solo/soloConsensus.ts";

// Worker-chain schemas write each plugin's defaults into the registered schema (@vshard/types cannot import the
// plugins): these must stay equal to the plugins' own defaults and be accepted by the plugins.
describe("schema plugin defaults match the plugins", () => {
  it.each([
    ["solo", DEFAULT_SOLO_PARAMS, defaultSoloOptions, soloOptionsFrom],
    ["bft", DEFAULT_BFT_PARAMS, defaultBftOptions, bftOptionsFrom],
    ["dpos", DEFAULT_DPOS_PARAMS, defaultDposOptions, dposOptionsFrom],
  ] as const)("%s", (_name, schemaDefaults, pluginDefaults, parse) => {
    const parsed = (parse as (p: Record<string, unknown>) => object)({ ...schemaDefaults });
    for (const [key, value] of Object.entries(schemaDefaults)) {
      expect((pluginDefaults as unknown as Record<string, unknown>)[key], key).toEqual(value);
      expect((parsed as Record<string, unknown>)[key], key).toEqual(value);
    }
  });
});
