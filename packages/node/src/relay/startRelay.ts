import { existsSync } from "node:fs";
import { type Ed25519KeyPair, generateEd25519KeyPair } from "@vshard/crypto";
import { type Logger, nullLogger } from "@vshard/engine";
import { readKeyFile, writeKeyFile } from "../keyFile.ts";
import { HttpRelayEndpoint } from "./httpRelayEndpoint.ts";
import { defaultRelayOptions, type RelayOptions } from "./options.ts";
import { Relay } from "./relay.ts";

/** What `startRelay` needs: the node's API, the relay's key and state file, and any tuning. */
export type StartRelayOptions = Partial<Omit<RelayOptions, "statePath">> & {
  /** The node API base URL (e.g. `http://127.0.0.1:7700`). */
  apiUrl: string;
  statePath: string;
  keys: Ed25519KeyPair;
  /** Default: no logs. */
  logger?: Logger;
};

/** A running relay and how to stop it (after the pass under way; its state saved). */
export interface RunningRelay {
  relay: Relay;
  stop(): Promise<void>;
}

/**
 * Starts a relay over a node's HTTP API, in this process (what `vshard relay` runs, and what a devnet may embed):
 * resumes from the state file (a corrupt one throws `RelayError`) and passes every `pollMs` until `stop()`.
 */
export async function startRelay(opts: StartRelayOptions): Promise<RunningRelay> {
  const { apiUrl, keys, logger, ...tuning } = opts;
  const relay = await Relay.create(
    { ...defaultRelayOptions, ...tuning },
    {
      endpoint: new HttpRelayEndpoint(apiUrl),
      keys,
      logger: (logger ?? nullLogger).child({ module: "relay" }),
      now: Date.now,
      random: Math.random,
    },
  );
  relay.start();
  return { relay, stop: () => relay.stop() };
}

/** Where a relay keeps the key it generated, next to its state file: `state.json` → `state.key.json`. */
export function defaultRelayKeyPath(statePath: string): string {
  return `${statePath.replace(/\.json$/, "")}.key.json`;
}

/**
 * The relay's key: read from `keyPath` when given; otherwise read from, or generated into, the file next to the
 * state file (so a restarted relay keeps its address). `generated` says whether a new key was written.
 */
export async function relayKeys(
  statePath: string,
  keyPath?: string,
): Promise<{ keys: Ed25519KeyPair; path: string; generated: boolean }> {
  if (keyPath !== undefined) return { keys: await readKeyFile(keyPath), path: keyPath, generated: false };
  const path = defaultRelayKeyPath(statePath);
  if (existsSync(path)) return { keys: await readKeyFile(path), path, generated: false };
  const keys = generateEd25519KeyPair();
  await writeKeyFile(path, keys);
  return { keys, path, generated: true };
}
