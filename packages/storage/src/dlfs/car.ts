/**
 * CAR v1 (https://ipld.io/specs/transport/car/carv1/): the archive in which vshard exports block ranges.
 *
 * Layout: varint header length, dag-cbor header `{roots: [CID…], version: 1}`, then one section per block:
 * varint section length, CID bytes, block bytes. We write and read only the header form CAR v1 writers produce
 * (a two-entry map in dag-cbor key order, definite lengths, minimal heads) and only CIDv1 raw sha2-256 CIDs, so a
 * small strict reader suffices and anything else is refused with a message saying what is wrong.
 */

// multiformats 14 exports its varint helpers from the package root only (there is no "multiformats/varint" path).
import { varint } from "multiformats";
import { CID } from "multiformats/cid";
import { CID_LENGTH, cidMatches, parseCid, safeCidText } from "./cid.ts";
import { DlfsError } from "./dlfsError.ts";

/** One block of a CAR file: content and the CID that addresses it. */
export interface CarBlock {
  cid: Uint8Array;
  bytes: Uint8Array;
}

/** Limits applied while reading (a CAR comes from outside). */
export interface CarReadLimits {
  maxBlocks: number;
  maxBlockBytes: number;
}

/**
 * 8 MiB per block is twice the largest body chunk a manifest may name (4 MiB, `MAX_CHUNK_SIZE`), leaving room for
 * manifests and indexes without letting one section claim an unbounded share of memory. 1,000,000 blocks covers a
 * range export of a few hundred thousand bodies (chunks, manifest, header each) while bounding the per-block
 * bookkeeping (about 100 bytes a block) to some 100 MB.
 */
export const defaultCarReadLimits: CarReadLimits = { maxBlocks: 1_000_000, maxBlockBytes: 8 * 1024 * 1024 };

const KIND = "CIDv1 raw sha2-256 (the only kind vshard writes or reads)";
/** CBOR major types, named for messages. */
const MAJOR_NAMES = [
  "unsigned integer",
  "negative integer",
  "byte string",
  "text string",
  "array",
  "map",
  "tag",
];
const UINT = 0;
const BYTES = 2;
const TEXT = 3;
const ARRAY = 4;
const MAP = 5;
const TAG = 6;
/** The CBOR tag of an IPLD link; its byte string is 0x00 (the identity multibase) followed by the CID bytes. */
const CID_TAG = 42;
const ROOTS_KEY = cborText("roots");
const VERSION_KEY = cborText("version");

/** The bytes of a CAR v1 file: header, then one section (varint length, CID, bytes) per block, in the order given. */
export function encodeCar(roots: Uint8Array[], blocks: Iterable<CarBlock>): Uint8Array {
  if (roots.length === 0) throw badCar("cannot write a CAR without roots");
  for (const [i, root] of roots.entries()) requireVshardCid(root, `cannot write a CAR: root ${i}`);
  const header = encodeHeader(roots);
  const list: CarBlock[] = [];
  let size = varint.encodingLength(header.length) + header.length;
  for (const block of blocks) {
    requireVshardCid(block.cid, `cannot write a CAR: block ${list.length}`);
    const length = CID_LENGTH + block.bytes.length;
    size += varint.encodingLength(length) + length;
    list.push(block);
  }
  const out = new Uint8Array(size);
  let pos = putVarint(out, 0, header.length);
  out.set(header, pos);
  pos += header.length;
  for (const block of list) {
    pos = putVarint(out, pos, CID_LENGTH + block.bytes.length);
    out.set(block.cid, pos);
    out.set(block.bytes, pos + CID_LENGTH);
    pos += CID_LENGTH + block.bytes.length;
  }
  return out;
}

/**
 * Reads a CAR v1 file; verifies every block against its CID; throws DlfsError DLFS_ERROR_BAD_CAR (cid set when a
 * block is at fault). A block seen twice is verified both times and kept once, in first-seen order. The returned
 * CIDs and block bytes are views into `bytes`, not copies. CAR v1 has no end marker: a file cut exactly between two
 * sections reads as a shorter valid CAR, so callers check that the blocks they need are present. Nor are the roots
 * covered by any hash: callers authenticate them by other means.
 */
export function decodeCar(
  bytes: Uint8Array,
  limits: CarReadLimits = defaultCarReadLimits,
): { roots: Uint8Array[]; blocks: CarBlock[] } {
  if (bytes.length === 0) throw badCar("CAR is empty");
  const [headerLength, lengthBytes] = readVarint(bytes, 0, "CAR header");
  if (headerLength === 0) throw badCar("CAR header length is 0");
  if (headerLength > bytes.length - lengthBytes)
    throw badCar(
      `CAR header length ${headerLength} runs past the end of the file (${bytes.length - lengthBytes} bytes left)`,
    );
  const roots = decodeHeader({ bytes, pos: lengthBytes, end: lengthBytes + headerLength });
  const blocks: CarBlock[] = [];
  const seen = new Set<string>();
  let pos = lengthBytes + headerLength;
  for (let index = 0; pos < bytes.length; index++) {
    if (index >= limits.maxBlocks)
      throw badCar(`CAR holds more than ${limits.maxBlocks} blocks (the read limit)`);
    const where = `CAR section ${index} at offset ${pos}`;
    const [length, varintBytes] = readVarint(bytes, pos, where);
    pos += varintBytes;
    if (length > bytes.length - pos)
      throw badCar(
        `${where}: length ${length} runs past the end of the file (${bytes.length - pos} bytes left)`,
      );
    const section = bytes.subarray(pos, pos + length);
    pos += length;
    const cid = sectionCid(section, where);
    const data = section.subarray(cid.length);
    if (data.length > limits.maxBlockBytes)
      throw badCar(
        `${where}: block ${safeCidText(cid)} is ${data.length} bytes, over the limit of ${limits.maxBlockBytes}`,
        cid,
      );
    if (!cidMatches(cid, data))
      throw badCar(`${where}: block content does not match its CID ${safeCidText(cid)}`, cid);
    const key = Buffer.from(cid.buffer, cid.byteOffset, cid.byteLength).toString("base64");
    if (seen.has(key)) continue;
    seen.add(key);
    blocks.push({ cid, bytes: data });
  }
  return { roots, blocks };
}

function encodeHeader(roots: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [cborHead(MAP, 2), ROOTS_KEY, cborHead(ARRAY, roots.length)];
  const link = Uint8Array.of(...cborHead(TAG, CID_TAG), ...cborHead(BYTES, CID_LENGTH + 1), 0x00);
  for (const root of roots) parts.push(link, root);
  parts.push(VERSION_KEY, cborHead(UINT, 1));
  return Buffer.concat(parts);
}

/** The shortest CBOR head for `value` (< 2^32), as dag-cbor requires. */
function cborHead(major: number, value: number): Uint8Array {
  const m = major << 5;
  if (value < 24) return Uint8Array.of(m | value);
  if (value < 0x100) return Uint8Array.of(m | 24, value);
  if (value < 0x10000) return Uint8Array.of(m | 25, value >> 8, value & 0xff);
  return Uint8Array.of(m | 26, value >>> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
}

function cborText(text: string): Uint8Array {
  const utf8 = Buffer.from(text, "utf8");
  return Buffer.concat([cborHead(TEXT, utf8.length), utf8]);
}

interface Cursor {
  bytes: Uint8Array;
  pos: number;
  end: number;
}

function decodeHeader(c: Cursor): Uint8Array[] {
  const entries = expectHead(c, MAP, "map");
  if (entries > 2)
    throw badHeader(`a map of ${entries} entries; a CAR v1 header holds only "roots" and "version"`);
  let roots: Uint8Array[] | undefined;
  let version: number | undefined;
  for (let i = 0; i < entries; i++) {
    const key = readText(c, "key");
    // dag-cbor orders keys by length, then bytes: "roots" comes before "version".
    if (key === "roots" && roots === undefined && version === undefined) roots = readRoots(c);
    else if (key === "version" && version === undefined) {
      version = expectHead(c, UINT, "version");
      if (version !== 1) throw badCar(`CAR version ${version} is not supported (only CAR v1)`);
    } else if (key === "roots" || key === "version") throw badHeader(`key "${key}" repeated or out of order`);
    else
      throw badHeader(`unexpected key ${JSON.stringify(key)} (a CAR v1 header holds "roots" then "version")`);
  }
  if (version === undefined) throw badHeader("no version");
  if (roots === undefined) throw badHeader("no roots");
  if (roots.length === 0) throw badHeader("zero roots; a vshard CAR names at least one");
  if (c.pos !== c.end) throw badHeader(`${c.end - c.pos} trailing bytes after the header map`);
  return roots;
}

function readRoots(c: Cursor): Uint8Array[] {
  const count = expectHead(c, ARRAY, "roots");
  if (count > c.end - c.pos) throw badHeader(`${count} roots cannot fit in the header`);
  const roots: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const tag = expectHead(c, TAG, `root ${i}`);
    if (tag !== CID_TAG) throw badHeader(`root ${i} has tag ${tag}, expected ${CID_TAG} (a CID)`);
    const link = readBytes(c, expectHead(c, BYTES, `root ${i}`), `root ${i}`);
    if (link[0] !== 0x00) throw badHeader(`root ${i} lacks the 0x00 prefix of a CID link`);
    roots.push(requireVshardCid(link.subarray(1), `CAR header root ${i}`));
  }
  return roots;
}

function readText(c: Cursor, what: string): string {
  const text = readBytes(c, expectHead(c, TEXT, what), what);
  return Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString("utf8");
}

function readBytes(c: Cursor, length: number, what: string): Uint8Array {
  if (length > c.end - c.pos) throw badHeader(`${what} runs past the end of the header`);
  c.pos += length;
  return c.bytes.subarray(c.pos - length, c.pos);
}

/** Reads one CBOR head of the given major type: definite, minimal, at most 2^53 - 1. */
function expectHead(c: Cursor, major: number, what: string): number {
  if (c.pos >= c.end) throw badHeader(`${what} runs past the end of the header`);
  const initial = c.bytes[c.pos++]!;
  const found = initial >> 5;
  if (found !== major)
    throw badHeader(
      `${what}: expected ${MAJOR_NAMES[major]}, found ${MAJOR_NAMES[found] ?? "simple value or float"}`,
    );
  const info = initial & 0x1f;
  if (info < 24) return info;
  if (info === 31) throw badHeader(`${what}: indefinite length is not allowed`);
  if (info > 27) throw badHeader(`${what}: reserved additional info ${info}`);
  const size = 1 << (info - 24);
  if (size > c.end - c.pos) throw badHeader(`${what} runs past the end of the header`);
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + c.bytes[c.pos++]!;
  if (value < [24, 0x100, 0x10000, 2 ** 32][info - 24]!) throw badHeader(`${what}: not minimally encoded`);
  if (value > Number.MAX_SAFE_INTEGER) throw badHeader(`${what}: ${value} is too large`);
  return value;
}

/** The CID at the start of a section, refused unless it is CIDv1 raw sha2-256. */
function sectionCid(section: Uint8Array, where: string): Uint8Array {
  let cid: CID;
  try {
    [cid] = CID.decodeFirst(section);
  } catch (err) {
    throw badCar(`${where}: does not start with a CID (${(err as Error).message})`);
  }
  return requireVshardCid(section.subarray(0, cid.bytes.length), where);
}

/** Returns `cid` if it is CIDv1 raw sha2-256, else throws BAD_CAR naming it. */
function requireVshardCid(cid: Uint8Array, where: string): Uint8Array {
  try {
    parseCid(cid);
  } catch (err) {
    const text = err instanceof DlfsError ? err.type.cid : undefined;
    throw new DlfsError(
      { code: "DLFS_ERROR_BAD_CAR", ...(text === undefined ? {} : { cid: text }) },
      text === undefined ? `${where}: ${(err as Error).message}` : `${where}: CID ${text} is not ${KIND}`,
    );
  }
  return cid;
}

function readVarint(bytes: Uint8Array, pos: number, where: string): [number, number] {
  try {
    return varint.decode(bytes, pos);
  } catch (err) {
    const truncated = bytes.subarray(pos).every((b) => b >= 0x80);
    throw badCar(
      `${where}: length varint ${truncated ? "runs past the end of the file" : (err as Error).message}`,
    );
  }
}

function putVarint(out: Uint8Array, pos: number, value: number): number {
  varint.encodeTo(value, out, pos);
  return pos + varint.encodingLength(value);
}

function badHeader(message: string): DlfsError {
  return badCar(`CAR header: ${message}`);
}

function badCar(message: string, cid?: Uint8Array): DlfsError {
  return new DlfsError(
    { code: "DLFS_ERROR_BAD_CAR", ...(cid === undefined ? {} : { cid: safeCidText(cid) }) },
    message,
  );
}
