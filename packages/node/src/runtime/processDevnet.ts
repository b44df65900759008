import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@vshard/engine";
import { pino } from "pino";
import { createLogger } from "../logger.ts";
import { relayKeys, startRelay } from "../relay/startRelay.ts";
import { NodeSupervisor } from "./nodeSupervisor.ts";
import {
  type ProcessNetworkOptions,
  type ProcessNetworkPlan,
  type ProcessNodePlan,
  planProcessNetwork,
} from "./processNetwork.ts";

/** Options of {@link startProcessDevnet}. */
export interface ProcessDevnetOptions extends ProcessNetworkOptions {
  /** Relays run in the devnet's process (relay i reads node i's API; its key and state in the data folder). */
  relays: number;
  /** Where the devnet reports node exits and restarts; console.log by default. */
  log?: (line: string) => void;
  /** How long every node gets to answer on its API at start (default 120 s: a loaded machine starts slowly). */
  startTimeoutMs?: number;
}

/** A node of a running process devnet. */
export interface ProcessDevnetNode extends ProcessNodePlan {
  /** Its current process id (it changes when the node is restarted; null between exit and restart). */
  pid(): number | null;
  /** What the process printed (stdout and stderr), appended across restarts. */
  stdoutPath: string;
  supervisor: NodeSupervisor;
}

/** A running process devnet. */
export interface ProcessDevnet {
  plan: ProcessNetworkPlan;
  /** The validators' chain nodes (`node-i`). */
  nodes: ProcessDevnetNode[];
  /** The DLFS storage nodes (`storage-i`). */
  storage: ProcessDevnetNode[];
  /** The light nodes (`light-k`). */
  lights: ProcessDevnetNode[];
  relays: Array<{ address: string; statePath: string; apiUrl: string }>;
  faucetKeyPath: string;
  /** The devnet's own log (relays): `<dataDir>/devnet.log`. */
  logPath: string;
  /** Stops the relays, then the light nodes, the chain nodes and the storage nodes (SIGTERM), and waits for them. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 120_000;
/** How often a starting node's API is asked whether it answers. */
const API_POLL_MS = 250;

/** What a started node answers on: a chain node's head, a storage or light node's `GET /v1/node`. */
function probeUrl(node: ProcessNodePlan): string {
  return `${node.apiUrl}${node.role === "storage" || node.role === "light" ? "/v1/node" : "/v1/head"}`;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function tail(path: string, lines = 30): Promise<string> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

/**
 * Waits until the node's API answers; rejects, with the end of what it printed, if its process exits first or the
 * deadline passes.
 */
async function waitForNode(node: ProcessDevnetNode, exits: Map<string, string>, deadline: number) {
  while (!(await answers(probeUrl(node)))) {
    const exit = exits.get(node.name);
    if (exit !== undefined || Date.now() > deadline)
      throw new Error(
        `${node.name} ${exit !== undefined ? `exited (${exit})` : "did not answer"} before its API at ${node.apiUrl} answered; ` +
          `the end of ${node.stdoutPath}:\n${await tail(node.stdoutPath)}`,
      );
    await new Promise((r) => setTimeout(r, API_POLL_MS));
  }
}

/**
 * Starts a network as one OS process per node (`vshard node --config <name>/config.json`, over libp2p) on the folder
 * {@link planProcessNetwork} writes: the storage nodes first, then the validators, then the light nodes, each group
 * once the one before answers on its API; then it runs the relays in this process. It supervises the nodes: one that
 * exits (a crash, SIGKILL) is reported and started again a second later.
 */
export async function startProcessDevnet(opts: ProcessDevnetOptions): Promise<ProcessDevnet> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const plan = await planProcessNetwork(opts);
  const logPath = join(opts.dataDir, "devnet.log");
  const logger: Logger = createLogger({
    level: opts.logLevel,
    destination: pino.destination({ dest: logPath, sync: false, mkdir: true }),
  });
  const exits = new Map<string, string>();
  const supervised = (p: ProcessNodePlan): ProcessDevnetNode => {
    const stdoutPath = join(p.dataDir, "stdout.log");
    const supervisor = new NodeSupervisor(
      { name: p.name, configPath: p.configPath, stdoutPath },
      {
        log: (line) => {
          log(line);
          logger.warn({ node: p.name }, line);
        },
      },
    );
    return { ...p, stdoutPath, supervisor, pid: () => supervisor.pid() };
  };
  const [storage, nodes, lights] = [plan.storage, plan.nodes, plan.lights].map((g) => g.map(supervised));
  // In reverse order of start: nobody is left asking a node that is gone.
  const groups = [lights, nodes, storage];
  const stopNodes = async () => {
    for (const group of groups) await Promise.all(group.map((n) => n.supervisor.stop()));
  };
  try {
    const deadline = Date.now() + (opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    for (const group of [storage, nodes, lights]) {
      for (const n of group) n.supervisor.start((how) => exits.set(n.name, how));
      await Promise.all(group.map((n) => waitForNode(n, exits, deadline)));
    }
  } catch (err) {
    await stopNodes();
    throw err;
  }
  const relays = await Promise.all(
    Array.from({ length: opts.relays }, async (_, i) => {
      const statePath = join(opts.dataDir, `relay-${i}.json`);
      const apiUrl = nodes[i % nodes.length].apiUrl;
      const { keys } = await relayKeys(statePath);
      const running = await startRelay({ apiUrl, statePath, keys, logger: logger.child({ relay: i }) });
      return { running, statePath, apiUrl };
    }),
  ).catch(async (err) => {
    await stopNodes();
    throw err;
  });
  let stopping: Promise<void> | null = null;
  return {
    plan,
    nodes,
    storage,
    lights,
    relays: relays.map(({ running, statePath, apiUrl }) => ({
      address: running.relay.address,
      statePath,
      apiUrl,
    })),
    faucetKeyPath: plan.faucetKeyPath,
    logPath,
    stop() {
      stopping ??= (async () => {
        await Promise.all(relays.map((r) => r.running.stop()));
        await stopNodes();
      })();
      return stopping;
    },
  };
}
