/**
 * The IDX format of (Fashion-)MNIST (LeCun et al.): a big-endian header — two zero bytes, a type code
 * (0x08 = unsigned byte), the number of dimensions — then one uint32 size per dimension and the data.
 * Only unsigned-byte files are read (the ones MNIST and Fashion-MNIST use). No `node:` imports: the
 * caller decompresses `.gz` files.
 */
import { DifflowError } from '../core/validate.js';

export interface IdxArray {
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** Parses an uncompressed IDX file; `what` names it in errors. */
export function parseIdx(bytes: Uint8Array, what = 'IDX file'): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    throw new DifflowError(`${what} is not an IDX file (it does not start with two zero bytes)`);
  if (bytes[2] !== 0x08)
    throw new DifflowError(`${what}: only unsigned-byte IDX data (type 0x08) is supported, got type 0x${bytes[2].toString(16)}`);
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = 4 + 4 * rank;
  if (rank < 1 || bytes.length < headerBytes) throw new DifflowError(`${what}: truncated header`);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerBytes + count) {
    throw new DifflowError(
      `${what}: the header promises ${count} bytes of data (shape [${shape}]) but the file holds ${bytes.length - headerBytes}`,
    );
  }
  return { shape, data: bytes.subarray(headerBytes) };
}

/** Writes an unsigned-byte IDX file (fixtures and tests). */
export function encodeIdx(shape: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * shape.length);
  return out;
}
