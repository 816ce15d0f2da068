import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DifflowError } from '../core/validate.js';
import { decodeSafetensors, encodeSafetensors, safetensorsOrder, type SafetensorsTensor } from './safetensors.js';

const corrupt = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DifflowError, `expected a DifflowError, got ${String(e)}`);
  assert.match(e.message, /^safetensors data is truncated or corrupt: /);
  assert.match(e.message, pattern);
  return true;
};

/** A file with the given header text (padded to 8 bytes) and data bytes. */
function raw(header: string, data: ArrayLike<number> = []): Uint8Array {
  const json = new TextEncoder().encode(header.padEnd(Math.ceil(header.length / 8) * 8, ' '));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function sample(): Record<string, SafetensorsTensor> {
  const backing = new Float32Array([9, 1.5, -2.25, 3, 4, 5, 6]);
  return {
    weight: { dtype: 'F32', shape: [2, 3], data: backing.subarray(1) }, // a view at byte offset 4
    bias: { dtype: 'F64', shape: [3], data: new Float64Array([0.1, -1e300, Number.MIN_VALUE]) },
    step: { dtype: 'I64', shape: [], data: new BigInt64Array([-(2n ** 62n)]) },
    index: { dtype: 'I32', shape: [2], data: new Int32Array([-7, 2147483647]) },
    state: { dtype: 'U32', shape: [4], data: new Uint32Array([1, 2, 4294967295, 0]) },
    mask: { dtype: 'U8', shape: [3], data: new Uint8Array([0, 255, 7]) },
    empty: { dtype: 'F32', shape: [0, 5], data: new Float32Array(0) },
    '10': { dtype: 'U8', shape: [1], data: new Uint8Array([42]) },
  };
}

test('a round trip returns the same names, dtypes, shapes, values and metadata for every dtype', () => {
  const tensors = sample();
  const metadata = { format: 'pt', note: 'ünïcode ✓', '2': 'two' };
  const bytes = encodeSafetensors(tensors, metadata);
  const decoded = decodeSafetensors(bytes);
  assert.deepEqual(decoded.metadata, metadata);
  assert.deepEqual(Object.keys(decoded.tensors).sort(), Object.keys(tensors).sort());
  for (const [name, t] of Object.entries(tensors)) {
    const d = decoded.tensors[name];
    assert.equal(d.dtype, t.dtype, name);
    assert.deepEqual(d.shape, t.shape, name);
    assert.deepEqual(Array.from(d.data as ArrayLike<number | bigint>), Array.from(t.data as ArrayLike<number | bigint>), name);
    assert.equal(d.data.constructor, t.data.constructor, name);
    assert.equal(d.data.byteOffset, 0, `${name} is copied into its own aligned array`);
    assert.notEqual(d.data.buffer, bytes.buffer);
  }
  assert.deepEqual(decodeSafetensors(encodeSafetensors({})), { tensors: {}, metadata: {} });
});

test('a tiny file has exactly the layout of the spec, byte by byte', () => {
  const bytes = encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) } }, { format: 'pt' });
  const header = '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'; // 85 bytes
  const expected = [
    ...[88, 0, 0, 0, 0, 0, 0, 0], // u64 little-endian header length, 85 padded to 88
    ...Array.from(header, (c) => c.charCodeAt(0)),
    0x20,
    0x20,
    0x20, // space padding
    ...[0x00, 0x00, 0x80, 0x3f], // 1.0f little-endian
    ...[0x00, 0x00, 0x00, 0xc0], // -2.0f little-endian
  ];
  assert.deepEqual(Array.from(bytes), expected);
  assert.equal(bytes.length, 8 + 88 + 8);
});

test('tensors are laid out widest dtype first, then by name, contiguously and aligned to their element size', () => {
  const tensors = sample();
  const order = safetensorsOrder(tensors);
  assert.deepEqual(order, ['step', 'bias', 'empty', 'weight', 'state', 'index', '10', 'mask']);
  const bytes = encodeSafetensors(tensors);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(n % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { data_offsets: number[] }>;
  let end = 0;
  for (const name of order) {
    const [b, e] = header[name].data_offsets;
    assert.equal(b, end, `${name} starts where the previous tensor ends`);
    assert.equal(b % tensors[name].data.BYTES_PER_ELEMENT, 0, `${name} is aligned`);
    end = e;
  }
  assert.equal(8 + n + end, bytes.length);
  // Decoded tensors come in data order, except that JavaScript lists integer-like keys ('10') first.
  assert.deepEqual(Object.keys(decodeSafetensors(bytes).tensors), ['10', ...order.filter((name) => name !== '10')]);
});

test('a truncated file is refused at every length with a message saying it is truncated or corrupt', () => {
  const bytes = encodeSafetensors(sample(), { format: 'pt' });
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(() => decodeSafetensors(bytes.subarray(0, length)), corrupt(/./), `length ${length}`);
  }
  assert.throws(() => decodeSafetensors(bytes.subarray(0, 5)), corrupt(/shorter than the 8-byte header length/));
  assert.throws(() => decodeSafetensors(bytes.subarray(0, 40)), corrupt(/header length \d+ exceeds/));
  assert.throws(() => decodeSafetensors(bytes.subarray(0, bytes.length - 1)), corrupt(/only \d+ follow the header/));
});

test('an altered header is refused with a message naming what is wrong', () => {
  const f32 = (offsets: string, shape = '[2]', dtype = '"F32"') => `{"x":{"dtype":${dtype},"shape":${shape},"data_offsets":${offsets}}}`;
  const eight = new Uint8Array(8);
  assert.doesNotThrow(() => decodeSafetensors(raw(f32('[0,8]'), eight)));
  const cases: Array<[Uint8Array, RegExp]> = [
    [raw('{"x":{"dtype":"F32",', eight), /invalid JSON header/],
    [raw('[1, 2]', eight), /invalid JSON header/],
    [raw('"text"'), /invalid JSON header/],
    [raw('{"x": 3}'), /entry 'x' is not an object/],
    [raw(f32('[0,8]', '[2]', '"F33"'), eight), /unknown dtype "F33"/],
    [raw(f32('[0,8]', '[2]', '7'), eight), /unknown dtype 7/],
    [raw(f32('[0,8]', '[3]'), eight), /needs 12 bytes, but its offsets span 8/],
    [raw(f32('[0,8]', '[2,-1]'), eight), /invalid shape/],
    [raw(f32('[0,8]', '"2"'), eight), /invalid shape/],
    [raw(f32('[8,0]'), eight), /invalid data_offsets/],
    [raw(f32('[0,8.5]'), eight), /invalid data_offsets/],
    [raw(f32('[4,12]'), new Uint8Array(12)), /leaves a gap/],
    [raw(f32('[8,16]'), eight), /leaves a gap/],
    [raw(`{"a":${f32('[0,8]').slice(5, -1)},"b":${f32('[4,12]').slice(5, -1)}}`, new Uint8Array(12)), /overlaps/],
    [raw(f32('[0,8]'), new Uint8Array(9)), /1 bytes follow the last tensor/],
    [raw('{"__metadata__":{"a":1}}'), /__metadata__ is not an object of strings/],
    [raw('{"__metadata__":null}'), /__metadata__ is not an object of strings/],
  ];
  for (const [bytes, pattern] of cases) assert.throws(() => decodeSafetensors(bytes), corrupt(pattern), String(pattern));
  const badUtf8 = raw(f32('[0,8]'), eight);
  badUtf8[10] = 0xff;
  assert.throws(() => decodeSafetensors(badUtf8), corrupt(/invalid JSON header/));
  const huge = raw(f32('[0,8]'), eight);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
  assert.throws(() => decodeSafetensors(huge), corrupt(/header length 9223372036854775808 exceeds/));
});

test('valid but unsupported dtypes such as U16 are named, and the source appears in every message', () => {
  const bytes = raw('{"w":{"dtype":"U16","shape":[2],"data_offsets":[0,4]}}', new Uint8Array(4));
  assert.throws(
    () => decodeSafetensors(bytes, { source: 'model.safetensors' }),
    (e: unknown) => {
      assert.ok(e instanceof DifflowError);
      assert.equal(e.message, "model.safetensors uses dtype 'U16' for 'w', which difflow does not read");
      return true;
    },
  );
  assert.throws(
    () => decodeSafetensors(new Uint8Array(3), { source: 'checkpoint a.st' }),
    /^DifflowError: checkpoint a\.st is truncated or corrupt/,
  );
});

test('the encoder rejects bad names, dtypes, shapes, mismatched data and non-string metadata', () => {
  const ok: SafetensorsTensor = { dtype: 'F32', shape: [2], data: new Float32Array(2) };
  const bad: Array<[() => unknown, RegExp]> = [
    [() => encodeSafetensors({ '': ok }), /tensor name '' is not allowed/],
    [() => encodeSafetensors({ __metadata__: ok }), /tensor name '__metadata__' is not allowed/],
    [
      () => encodeSafetensors({ x: { ...ok, dtype: 'F8_E4M3' } as unknown as SafetensorsTensor }),
      /unknown dtype 'F8_E4M3'; valid: F64, F32, F16, BF16, I64/,
    ],
    [() => encodeSafetensors({ x: { ...ok, dtype: 'F16' } as unknown as SafetensorsTensor }), /F16 but its data is a Float32Array/],
    [
      () => encodeSafetensors({ x: { ...ok, data: new Float64Array(2) } as unknown as SafetensorsTensor }),
      /F32 but its data is a Float64Array/,
    ],
    [() => encodeSafetensors({ x: { ...ok, shape: [3] } }), /shape \[3\] but 2 elements/],
    [() => encodeSafetensors({ x: { ...ok, shape: [2, 0.5] } }), /invalid shape/],
    [() => encodeSafetensors({ x: null as unknown as SafetensorsTensor }), /tensor 'x' must be \{ dtype, shape, data \}, got null/],
    [() => encodeSafetensors({ x: ok }, { n: 3 } as unknown as Record<string, string>), /metadata 'n' must be a string/],
  ];
  for (const [f, pattern] of bad) assert.throws(f, (e: unknown) => e instanceof DifflowError && pattern.test(e.message), String(pattern));
});

test('a file PyTorch wrote with F16, BF16, F64 and I64 tensors reads with their values and encodes back byte for byte', () => {
  const bytes = readFileSync('test/fixtures/safetensors/edge.safetensors');
  const { tensors, metadata } = decodeSafetensors(bytes);
  assert.deepEqual(Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, `${t.dtype} [${t.shape}]`])), {
    i64: 'I64 [10]',
    f64: 'F64 [3,4]',
    'bf16.values': 'F32 [16,8]',
    'f16.values': 'F32 [16,8]',
    source: 'F32 [16,8]',
    bf16: 'BF16 [16,8]',
    f16: 'F16 [16,8]',
  });
  assert.deepEqual(Array.from(tensors.i64.data as BigInt64Array), [
    -(2n ** 63n),
    2n ** 63n - 1n,
    0n,
    -1n,
    1n,
    2n ** 53n + 1n,
    -(2n ** 53n) - 1n,
    2n ** 31n,
    -(2n ** 31n) - 1n,
    1234567890123n,
  ]);
  assert.deepEqual(Array.from(tensors.f64.data as Float64Array), [
    0,
    -0,
    Infinity,
    -Infinity,
    1 / 3,
    1e300,
    -1e-300,
    5e-324,
    2 ** -1022,
    Number.MAX_VALUE,
    0.1,
    -2.5,
  ]);
  assert.deepEqual(
    Array.from(tensors.f16.data.subarray(0, 6) as Uint16Array),
    [0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3c00],
    'F16 bit patterns: ±0, ±∞, NaN, 1',
  );
  assert.deepEqual(Buffer.from(encodeSafetensors(tensors, metadata)), bytes);
});
