import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { peerIdFromString } from "@libp2p/peer-id";
import { multiaddr } from "@multiformats/multiaddr";
import { ConfigError, type ConfigErrorCode } from "./configError.ts";

/** A JSON object being read. */
export type Json = Record<string, unknown>;

/** Reads fields of one JSON object, throwing a {@link ConfigError} that names the file and the field. */
export class FieldReader {
  constructor(
    readonly file: string,
    readonly prefix: string,
    readonly obj: Json,
  ) {}

  fail(code: ConfigErrorCode, key: string, why: string): never {
    const field = key ? `${this.prefix}.${key}` : this.prefix;
    throw new ConfigError({ code, file: this.file, field }, `${this.file}: ${field} ${why}`);
  }

  onlyFields(allowed: readonly string[]): void {
    for (const k of Object.keys(this.obj))
      if (!allowed.includes(k))
        this.fail("CONFIG_ERROR_UNKNOWN_FIELD", k, `is not a field (expected one of ${allowed.join(", ")})`);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  string(key: string, fallback?: string): string {
    const v = this.obj[key];
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      this.fail("CONFIG_ERROR_MISSING_FIELD", key, "is required");
    }
    if (typeof v !== "string" || v.length === 0)
      this.fail("CONFIG_ERROR_BAD_FIELD", key, "must be a non-empty string");
    return v;
  }

  int(key: string, min: number, max: number, fallback?: number): number {
    const v = this.obj[key];
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      this.fail("CONFIG_ERROR_MISSING_FIELD", key, "is required");
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      this.fail(
        "CONFIG_ERROR_BAD_FIELD",
        key,
        `must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`,
      );
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const v = this.obj[key];
    if (v === undefined) return fallback;
    if (!values.includes(v as T))
      this.fail(
        "CONFIG_ERROR_BAD_FIELD",
        key,
        `must be one of ${values.join(", ")}, got ${JSON.stringify(v)}`,
      );
    return v as T;
  }

  object(key: string): FieldReader {
    const v = this.obj[key];
    if (v === undefined) this.fail("CONFIG_ERROR_MISSING_FIELD", key, "is required");
    return readerOf(v, this.file, `${this.prefix}.${key}`);
  }

  array(key: string, fallback?: unknown[]): unknown[] {
    const v = this.obj[key];
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      this.fail("CONFIG_ERROR_MISSING_FIELD", key, "is required");
    }
    if (!Array.isArray(v)) this.fail("CONFIG_ERROR_BAD_FIELD", key, "must be an array");
    return v;
  }

  /** An array of multiaddr strings; `peer`: each must end in /p2p/<peer id> (a dialable peer). */
  multiaddrs(key: string, opts: { nonEmpty: boolean; peer: boolean }): string[] {
    const list = this.array(key, opts.nonEmpty ? undefined : []);
    if (opts.nonEmpty && list.length === 0)
      this.fail("CONFIG_ERROR_BAD_FIELD", key, "must list at least one address");
    return list.map((v, i) => {
      const at = `${key}[${i}]`;
      if (typeof v !== "string") this.fail("CONFIG_ERROR_BAD_FIELD", at, "must be a multiaddr string");
      let names: string[];
      try {
        names = multiaddr(v)
          .getComponents()
          .map((c) => c.name);
      } catch (err) {
        this.fail("CONFIG_ERROR_BAD_FIELD", at, `is not a multiaddr (${(err as Error).message})`);
      }
      if (opts.peer && names.at(-1) !== "p2p")
        this.fail("CONFIG_ERROR_BAD_FIELD", at, `must end in /p2p/<peer id>, got ${v}`);
      if (!opts.peer && names.includes("p2p"))
        this.fail("CONFIG_ERROR_BAD_FIELD", at, `is a listen address: no /p2p/ part, got ${v}`);
      return v;
    });
  }

  /** An array of libp2p peer ids (see {@link peerIdProblem}), each listed once. */
  peerIds(key: string, opts: { nonEmpty: boolean }): string[] {
    const list = this.array(key);
    if (opts.nonEmpty && list.length === 0)
      this.fail("CONFIG_ERROR_BAD_FIELD", key, "must list at least one peer id");
    return list.map((v, i) => {
      const problem = peerIdProblem(v);
      if (problem) this.fail("CONFIG_ERROR_BAD_FIELD", `${key}[${i}]`, problem);
      if (list.indexOf(v) !== i) this.fail("CONFIG_ERROR_BAD_FIELD", `${key}[${i}]`, `repeats ${String(v)}`);
      return v as string;
    });
  }
}

/**
 * Why `v` is not the peer id of a vshard node (`12D3KooW…`: every node's libp2p identity is an ed25519 key), or null
 * when it is one.
 */
export function peerIdProblem(v: unknown): string | null {
  if (typeof v !== "string") return "must be a peer id string";
  try {
    const id = peerIdFromString(v);
    return id.type === "Ed25519"
      ? null
      : `is a ${id.type} peer id: vshard nodes have ed25519 ones (12D3KooW…)`;
  } catch (err) {
    return `is not a peer id (${(err as Error).message}): got ${JSON.stringify(v)}`;
  }
}

/** A reader of `v`, which must be a JSON object (`prefix` is its JSON path). */
export function readerOf(v: unknown, file: string, prefix: string): FieldReader {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ConfigError(
      { code: "CONFIG_ERROR_BAD_FIELD", file, field: prefix },
      `${file}: ${prefix} must be a JSON object`,
    );
  return new FieldReader(file, prefix, v as Json);
}

/** Reads a JSON file, or throws a {@link ConfigError} naming it. */
export async function readJsonFile(path: string): Promise<unknown> {
  const file = resolve(path);
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new ConfigError(
      { code: "CONFIG_ERROR_UNREADABLE", file, field: "$" },
      `cannot read ${file}: ${(err as Error).message}`,
    );
  }
}
