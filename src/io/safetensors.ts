/**
 * The safetensors format (huggingface/safetensors), in pure TypeScript for Node and browsers: an 8-byte
 * little-endian u64 header length N, N bytes of JSON `{ "__metadata__": { k: v }, name: { dtype, shape,
 * data_offsets: [begin, end] }, … }` padded with spaces to a multiple of 8, then the tensors' little-endian
 * bytes, contiguous, offsets relative to the end of the header. The encoder lays tensors out as the reference
 * implementation does (by dtype, widest first, then by name), so the same tensors give the same bytes.
 */
import { DifflowError } from '../core/validate.js';

/**
 * Element arrays by dtype; I64 is read and written as BigInt64Array, F16 and BF16 as their raw bit patterns
 * (float16.ts converts them to and from numbers, rounding to nearest even).
 */
export interface SafetensorsArrays {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I64: BigInt64Array;
  I32: Int32Array;
  U32: Uint32Array;
  U8: Uint8Array;
}

/** The dtypes difflow reads and writes. */
export type SafetensorsDtype = keyof SafetensorsArrays;

/** One tensor: `data` holds product(shape) elements in row-major order. */
export type SafetensorsTensor = {
  [D in SafetensorsDtype]: { readonly dtype: D; readonly shape: readonly number[]; readonly data: SafetensorsArrays[D] };
}[SafetensorsDtype];

/** Tensors by name plus string metadata (the `__metadata__` entry). */
export interface SafetensorsFile {
  readonly tensors: Record<string, SafetensorsTensor>;
  readonly metadata: Record<string, string>;
}

type TypedArrayClass = { new (length: number): SafetensorsArrays[SafetensorsDtype]; readonly BYTES_PER_ELEMENT: number };
const ARRAYS: Readonly<Record<SafetensorsDtype, TypedArrayClass>> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  U32: Uint32Array,
  U8: Uint8Array,
};
/** The reference implementation's dtype order (descending), which fixes the data layout. */
const RANK: Readonly<Record<SafetensorsDtype, number>> = { I64: 7, F64: 6, F32: 5, U32: 4, I32: 3, BF16: 2, F16: 1, U8: 0 };
const OTHER_DTYPES = ['BOOL', 'I8', 'U16', 'I16', 'U64', 'C64', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F4'];
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Tensor names in the order their bytes are laid out: dtype (I64, F64, F32, U32, I32, BF16, F16, U8), then name. */
export function safetensorsOrder(tensors: Record<string, SafetensorsTensor>): string[] {
  return Object.keys(tensors).sort((a, b) => {
    const byDtype = RANK[tensors[b].dtype] - RANK[tensors[a].dtype];
    return byDtype !== 0 ? byDtype : a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The little-endian bytes of a tensor's data (a view on little-endian hosts, a swapped copy otherwise). */
export function tensorBytes(tensor: SafetensorsTensor): Uint8Array {
  const { data } = tensor;
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return LITTLE_ENDIAN ? view : swapBytes(view.slice(), data.BYTES_PER_ELEMENT);
}

function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  return bytes;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function isShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0) && Number.isSafeInteger(elementCount(shape));
}

/**
 * Throws unless `tensors` and `metadata` can be encoded: names non-empty and not '__metadata__', known dtypes,
 * data of the dtype's array type, shapes of non-negative integers whose product is the data length, string
 * metadata values.
 * @throws DifflowError naming the offending tensor or metadata key.
 */
export function checkSafetensors(tensors: Record<string, SafetensorsTensor>, metadata: Record<string, string> = {}): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '' || name === '__metadata__') throw new DifflowError(`tensor name '${name}' is not allowed`);
    if (typeof t !== 'object' || t === null) throw new DifflowError(`tensor '${name}' must be { dtype, shape, data }, got ${t}`);
    if (!Object.hasOwn(ARRAYS, t.dtype)) {
      throw new DifflowError(`tensor '${name}' has unknown dtype '${String(t.dtype)}'; valid: ${Object.keys(ARRAYS).join(', ')}`);
    }
    if (!(t.data instanceof ARRAYS[t.dtype])) {
      throw new DifflowError(`tensor '${name}' has dtype ${t.dtype} but its data is a ${t.data?.constructor?.name}`);
    }
    if (!isShape(t.shape)) throw new DifflowError(`tensor '${name}' has an invalid shape ${JSON.stringify(t.shape)}`);
    if (elementCount(t.shape) !== t.data.length) {
      throw new DifflowError(`tensor '${name}' has shape [${t.shape.join(', ')}] but ${t.data.length} elements`);
    }
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new DifflowError(`metadata '${key}' must be a string, got ${typeof value}`);
  }
}

/**
 * Encodes tensors and optional string metadata as a safetensors file (`__metadata__` is omitted when empty).
 * @throws DifflowError as `checkSafetensors`.
 */
export function encodeSafetensors(tensors: Record<string, SafetensorsTensor>, metadata: Record<string, string> = {}): Uint8Array {
  checkSafetensors(tensors, metadata);
  const order = safetensorsOrder(tensors);
  const entries: string[] = Object.keys(metadata).length > 0 ? [`"__metadata__":${JSON.stringify(metadata)}`] : [];
  let offset = 0;
  for (const name of order) {
    const t = tensors[name];
    const end = offset + t.data.byteLength;
    const info = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    entries.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of order) {
    const bytes = tensorBytes(tensors[name]);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Options of `decodeSafetensors`. */
export interface DecodeOptions {
  /** What the bytes are, for error messages ("checkpoint a.safetensors"); default 'safetensors data'. */
  readonly source?: string;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Decodes a safetensors file, copying each tensor into its own aligned typed array. Tensors are listed in data
 * order (JavaScript puts integer-like names such as '10' first); extra fields in a tensor's entry are ignored.
 * @throws DifflowError "<source> is truncated or corrupt: …" when the header length, JSON, dtypes, shapes or
 *   offsets are inconsistent with each other or with the file size; "… uses dtype 'BF16', which difflow does
 *   not read" for valid but unsupported dtypes.
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeOptions = {}): SafetensorsFile {
  const source = options.source ?? 'safetensors data';
  const corrupt = (why: string) => new DifflowError(`${source} is truncated or corrupt: ${why}`);
  if (bytes.length < 8) throw corrupt(`${bytes.length} bytes is shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    throw corrupt(`header length ${headerLength} exceeds the ${bytes.length - 8} bytes after it`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
    if (!text.startsWith('{')) throw new Error('the header does not start with "{"');
    header = JSON.parse(text);
  } catch (e) {
    throw corrupt(`invalid JSON header (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(header)) throw corrupt('the header is not a JSON object');
  const metadata = Object.hasOwn(header, '__metadata__') ? header.__metadata__ : {};
  if (!isRecord(metadata) || !Object.values(metadata).every((v) => typeof v === 'string')) {
    throw corrupt('__metadata__ is not an object of strings');
  }
  const infos: Array<{ name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }> = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isRecord(info)) throw corrupt(`entry '${name}' is not an object`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== 'string' || !Object.hasOwn(ARRAYS, dtype)) {
      if (OTHER_DTYPES.includes(String(dtype))) {
        throw new DifflowError(`${source} uses dtype '${dtype}' for '${name}', which difflow does not read`);
      }
      throw corrupt(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
    }
    if (!isShape(shape)) throw corrupt(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    const validOffsets = Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isSafeInteger(o) && o >= 0);
    if (!validOffsets || offsets[0] > offsets[1]) {
      throw corrupt(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const d = dtype as SafetensorsDtype;
    const [begin, end] = offsets as [number, number];
    const expected = elementCount(shape) * ARRAYS[d].BYTES_PER_ELEMENT;
    if (end - begin !== expected) {
      throw corrupt(`tensor '${name}' (${d}, shape [${shape.join(', ')}]) needs ${expected} bytes, but its offsets span ${end - begin}`);
    }
    infos.push({ name, dtype: d, shape, begin, end });
  }
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  for (const info of infos) {
    if (info.begin !== expectedBegin) {
      const why = info.begin < expectedBegin ? 'overlaps the previous tensor' : 'leaves a gap after the previous tensor';
      throw corrupt(`tensor '${info.name}' starts at data byte ${info.begin} and ${why}, which ends at ${expectedBegin}`);
    }
    expectedBegin = info.end;
  }
  const dataLength = bytes.length - dataStart;
  if (expectedBegin > dataLength) {
    throw corrupt(`the tensors need ${expectedBegin} data bytes, but only ${dataLength} follow the header`);
  }
  if (expectedBegin < dataLength) throw corrupt(`${dataLength - expectedBegin} bytes follow the last tensor`);
  const tensors = infos.map(({ name, dtype, shape, begin, end }) => {
    const data = new ARRAYS[dtype](elementCount(shape));
    const target = new Uint8Array(data.buffer);
    target.set(bytes.subarray(dataStart + begin, dataStart + end));
    if (!LITTLE_ENDIAN) swapBytes(target, data.BYTES_PER_ELEMENT);
    return [name, { dtype, shape, data } as SafetensorsTensor] as const;
  });
  return { tensors: Object.fromEntries(tensors), metadata: { ...(metadata as Record<string, string>) } };
}
