import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from "node:child_process";
import { LedgerError } from "@vshard/types";

/** Why a namespace operation failed. */
export type NetnsErrorCode =
  | "NETNS_ERROR_BAD_ARGUMENT"
  | "NETNS_ERROR_NO_SUBNET"
  | "NETNS_ERROR_COMMAND_FAILED"
  | "NETNS_ERROR_DESTROYED";

/** A namespace setup or command refused; `detail` names the host, argument or command at fault. */
export class NetnsError extends LedgerError<{ code: NetnsErrorCode; detail: string }> {}

/** Whether this machine lets the test create network namespaces, and if not why (a sentence for the skip message). */
export type NamespaceSupport = { ok: true } | { ok: false; why: string };

/** Longest Linux interface name (IFNAMSIZ − 1). */
const MAX_IFNAME = 15;

/** The `ip` binary: found on PATH, or in /usr/sbin and /sbin that a non-login PATH may lack; null when missing. */
const ipBinary = ["ip", "/usr/sbin/ip", "/sbin/ip"].find((candidate) => {
  try {
    return execFileSync(candidate, ["-V"], { stdio: "ignore" }) !== undefined;
  } catch {
    return false;
  }
});

function ip(): string {
  if (ipBinary === undefined)
    throw new NetnsError({ code: "NETNS_ERROR_COMMAND_FAILED", detail: "ip" }, "the `ip` command is missing");
  return ipBinary;
}

/** Runs `ip args…`, returning stdout; a failure throws NETNS_ERROR_COMMAND_FAILED with ip's stderr. */
function runIp(args: string[]): string {
  try {
    return execFileSync(ip(), args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const why = (e.stderr ?? "").trim() || e.message;
    throw new NetnsError(
      { code: "NETNS_ERROR_COMMAND_FAILED", detail: `ip ${args.join(" ")}` },
      `ip ${args.join(" ")}: ${why}`,
    );
  }
}

/** The non-empty lines `ip args…` prints; none when it fails. */
function ipLines(args: string[]): string[] {
  try {
    return runIp(args)
      .split("\n")
      .filter((line) => line.trim() !== "");
  } catch {
    return [];
  }
}

/** Runs `ip args…` and ignores a failure (cleanup of what may not exist). */
function tryIp(args: string[]): void {
  try {
    runIp(args);
  } catch {}
}

/**
 * Probes the machine: root, an `ip` command, and `ip netns add` of a throw-away namespace (deleted at once). Says why
 * not when one of them is missing, so a test can skip with that reason.
 */
export function canCreateNamespaces(): NamespaceSupport {
  if (process.platform !== "linux")
    return { ok: false, why: `network namespaces need Linux, not ${process.platform}` };
  if (typeof process.getuid === "function" && process.getuid() !== 0)
    return { ok: false, why: `creating network namespaces needs root (uid is ${process.getuid()})` };
  if (ipBinary === undefined) return { ok: false, why: "the `ip` command (iproute2) is missing" };
  const probe = `vsh-probe-${process.pid.toString(36)}`;
  try {
    runIp(["netns", "add", probe]);
  } catch (err) {
    return { ok: false, why: `this machine refuses to create network namespaces: ${(err as Error).message}` };
  } finally {
    tryIp(["netns", "delete", probe]);
  }
  return { ok: true };
}

/**
 * A prefix no concurrent run shares: this process's id in base 36 (at most 5 characters under Linux's largest pid_max,
 * 2^22) followed by `tag` (one of a-z0-9, or none), so one process can hold several sets of hosts.
 */
export function uniquePrefix(tag = ""): string {
  if (!/^[a-z0-9]?$/.test(tag))
    throw new NetnsError(
      { code: "NETNS_ERROR_BAD_ARGUMENT", detail: "tag" },
      `tag must be one of a-z0-9, got '${tag}'`,
    );
  return `${process.pid.toString(36)}${tag}`;
}

/** The second byte of a 10.x.0.0/24 subnet no route of the root namespace touches, starting from a hash of `prefix`. */
function freeSubnetByte(prefix: string): number {
  const used = runIp(["-4", "-o", "route", "show", "table", "all"]) + runIp(["-4", "-o", "addr", "show"]);
  let h = 0;
  for (const c of prefix) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  // 10.64..10.253: clear of the low 10.x ranges cloud and container networks tend to pick.
  for (let k = 0; k < 190; k++) {
    const x = 64 + ((h + k) % 190);
    if (!used.includes(`10.${x}.`)) return x;
  }
  throw new NetnsError(
    { code: "NETNS_ERROR_NO_SUBNET", detail: prefix },
    "no free 10.x.0.0/24 subnet for the test bridge",
  );
}

/**
 * `n` hosts on one machine: network namespaces `vsh-<prefix>-i`, each joined by a veth pair to a bridge
 * `vsh<prefix>br` in the root namespace (address 10.x.0.254/24), namespace i holding 10.x.0.(i+1)/24 and `lo`. The
 * test process, in the root namespace, reaches every host through the bridge; cutting a host's link sets the bridge
 * side of its veth down, so the host loses every peer and the test process alike.
 */
export class NetnsHosts {
  /** Namespace names, host i first. */
  readonly namespaces: string[];
  /** Host i's address (its veth in its namespace). */
  readonly ips: string[];
  /** The bridge's name and its address in the root namespace. */
  readonly bridge: string;
  readonly bridgeIp: string;
  private destroyed = false;
  private readonly children = new Set<ChildProcess>();

  private constructor(
    readonly prefix: string,
    readonly n: number,
    subnet: number,
  ) {
    this.namespaces = Array.from({ length: n }, (_, i) => `vsh-${prefix}-${i}`);
    this.ips = Array.from({ length: n }, (_, i) => `10.${subnet}.0.${i + 1}`);
    this.bridge = `vsh${prefix}br`;
    this.bridgeIp = `10.${subnet}.0.254`;
  }

  /** Host i's bridge-side veth (in the root namespace). */
  hostVeth(i: number): string {
    return `vsh${this.prefix}h${i}`;
  }

  /** Host i's own veth (inside its namespace). */
  peerVeth(i: number): string {
    return `vsh${this.prefix}n${i}`;
  }

  /**
   * Creates the bridge, the namespaces and their links, after removing what a killed run with this prefix left and
   * the stale sets of other dead runs (`sweepStale`).
   */
  static create(n: number, prefix: string): NetnsHosts {
    if (!Number.isInteger(n) || n < 1 || n > 200)
      throw new NetnsError({ code: "NETNS_ERROR_BAD_ARGUMENT", detail: "n" }, `n must be 1..200, got ${n}`);
    // The longest name is a veth's: "vsh" + prefix + "h" + up to 3 digits.
    if (!/^[a-z0-9]+$/.test(prefix) || 3 + prefix.length + 4 > MAX_IFNAME)
      throw new NetnsError(
        { code: "NETNS_ERROR_BAD_ARGUMENT", detail: "prefix" },
        `prefix must be 1..${MAX_IFNAME - 7} of a-z0-9 (interface names ≤ ${MAX_IFNAME} chars), got '${prefix}'`,
      );
    removeLeftovers(prefix);
    sweepStale();
    const hosts = new NetnsHosts(prefix, n, freeSubnetByte(prefix));
    try {
      hosts.build();
    } catch (err) {
      hosts.destroy();
      throw err;
    }
    return hosts;
  }

  private build(): void {
    runIp(["link", "add", this.bridge, "type", "bridge"]);
    runIp(["addr", "add", `${this.bridgeIp}/24`, "dev", this.bridge]);
    runIp(["link", "set", this.bridge, "up"]);
    for (let i = 0; i < this.n; i++) {
      const ns = this.namespaces[i];
      runIp(["netns", "add", ns]);
      runIp(["link", "add", this.hostVeth(i), "type", "veth", "peer", "name", this.peerVeth(i), "netns", ns]);
      runIp(["link", "set", this.hostVeth(i), "master", this.bridge, "up"]);
      runIp(["-n", ns, "addr", "add", `${this.ips[i]}/24`, "dev", this.peerVeth(i)]);
      runIp(["-n", ns, "link", "set", this.peerVeth(i), "up"]);
      runIp(["-n", ns, "link", "set", "lo", "up"]);
    }
  }

  private check(i: number): void {
    if (this.destroyed)
      throw new NetnsError(
        { code: "NETNS_ERROR_DESTROYED", detail: this.prefix },
        "these hosts are destroyed",
      );
    if (!Number.isInteger(i) || i < 0 || i >= this.n)
      throw new NetnsError(
        { code: "NETNS_ERROR_BAD_ARGUMENT", detail: "i" },
        `no host ${i} (0..${this.n - 1})`,
      );
  }

  /** Cuts host i off: its bridge-side veth goes down (its packets, both ways, are lost until `restoreLink`). */
  cutLink(i: number): void {
    this.check(i);
    runIp(["link", "set", this.hostVeth(i), "down"]);
  }

  /** Brings host i's link back up. */
  restoreLink(i: number): void {
    this.check(i);
    runIp(["link", "set", this.hostVeth(i), "up"]);
  }

  /** Spawns `cmd args…` inside host i's namespace (`ip netns exec`, which execs: the child's pid is the command's). */
  exec(i: number, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    this.check(i);
    const child = spawn(ip(), ["netns", "exec", this.namespaces[i], cmd, ...args], opts);
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    return child;
  }

  /**
   * Kills what `exec` started and is still running (SIGKILL: a caller wanting a graceful stop sends SIGTERM first),
   * then deletes the namespaces (their veths go with them) and the bridge. Safe to call twice; never throws.
   */
  destroy(): void {
    for (const child of this.children) child.kill("SIGKILL");
    this.children.clear();
    this.destroyed = true;
    removeLeftovers(this.prefix);
  }
}

/** The namespaces and root-namespace interfaces (veths, bridge) named after `prefix` that exist now. */
export function leftoversOf(prefix: string): { namespaces: string[]; links: string[] } {
  const namespaces = ipLines(["netns", "list"])
    .map((line) => line.split(" ")[0])
    .filter((name) => name.startsWith(`vsh-${prefix}-`));
  const veth = new RegExp(`^vsh${prefix}[hn]\\d+$`);
  const links = ipLines(["-o", "link", "show"])
    .map((line) => /^\d+: ([^:@\s]+)/.exec(line)?.[1] ?? "")
    .filter((name) => name === `vsh${prefix}br` || veth.test(name));
  return { namespaces, links };
}

/** Removes every namespace, veth and bridge named after `prefix` (also what a run killed before `destroy` left). */
function removeLeftovers(prefix: string): void {
  for (const name of leftoversOf(prefix).namespaces) tryIp(["netns", "delete", name]);
  // Listed after the namespaces are gone: their veths may outlive them a moment (the kernel frees them lazily).
  const { links } = leftoversOf(prefix);
  // The veths first (deleting one end removes its pair), then the bridge.
  for (const link of links.sort((a, b) => Number(a.endsWith("br")) - Number(b.endsWith("br"))))
    tryIp(["link", "delete", link]);
}

/** Whether process `pid` exists (EPERM: it does, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the hosts of runs killed before their `destroy` (any prefix): a set is stale when the process its prefix
 * names (`uniquePrefix`: the pid in base 36, maybe a tag) is gone and no process is left in its namespaces.
 */
export function sweepStale(): void {
  const listed = ipLines(["netns", "list"]).map((line) => /^vsh-([a-z0-9]+)-\d+/.exec(line)?.[1]);
  for (const prefix of new Set(listed.filter((p) => p !== undefined))) {
    const owners = [prefix, prefix.slice(0, -1)].filter((p) => p !== "").map((p) => Number.parseInt(p, 36));
    const idle = leftoversOf(prefix).namespaces.every((ns) => ipLines(["netns", "pids", ns]).length === 0);
    if (idle && !owners.some(isAlive)) removeLeftovers(prefix);
  }
}

/**
 * Creates `n` namespaced hosts named after `prefix` (see `NetnsHosts`); take the prefix from `uniquePrefix`: another
 * run's sweep takes a prefix that names no live process for a dead run's, and removes its hosts while they are idle.
 */
export function createHosts(n: number, prefix: string): NetnsHosts {
  return NetnsHosts.create(n, prefix);
}
