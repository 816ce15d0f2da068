import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromBfloat16Bits, fromFloat16Bits, toBfloat16Bits, toFloat16Bits } from './float16.js';
import { decodeSafetensors } from './safetensors.js';

/** PyTorch's F16 and BF16 roundings of float32 edge values (scripts/make_safetensors_fixtures.py). */
const fixture = decodeSafetensors(readFileSync('test/fixtures/safetensors/edge.safetensors'), { source: 'edge.safetensors' }).tensors;
const floats = (name: string) => fixture[name].data as Float32Array;
const bits = (name: string) => fixture[name].data as Uint16Array;
const hex = (b: number) => `0x${b.toString(16).padStart(4, '0')}`;

for (const [format, to, from, name] of [
  ['F16', toFloat16Bits, fromFloat16Bits, 'f16'],
  ['BF16', toBfloat16Bits, fromBfloat16Bits, 'bf16'],
] as const) {
  test(`${format}: rounding float32 values gives PyTorch's bits, ties to even, subnormals, ±0, ±∞ and NaN included`, () => {
    const source = floats('source');
    const ours = to(source);
    const torch = bits(name);
    assert.equal(fixture[name].dtype, format);
    const isNaNBits = (b: number) => Number.isNaN(from(Uint16Array.of(b))[0]);
    for (let i = 0; i < source.length; i++) {
      if (Number.isNaN(source[i]))
        assert.ok(isNaNBits(ours[i]) && isNaNBits(torch[i]), 'NaN stays a NaN (PyTorch writes 0x7e00 or 0xffff)');
      else assert.equal(hex(ours[i]), hex(torch[i]), `${source[i]}`);
    }
  });

  test(`${format}: reading PyTorch's bits gives exactly the float32 values PyTorch converts them to`, () => {
    const ours = new Uint32Array(from(bits(name)).buffer);
    const torch = new Uint32Array(floats(`${name}.values`).buffer);
    assert.deepEqual(Array.from(ours, hex), Array.from(torch, hex));
  });

  test(`${format}: every one of the 65 536 bit patterns reads as a value that rounds back to itself (NaNs to the quiet NaN)`, () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const back = to(from(all));
    const nan = to([NaN])[0];
    for (let b = 0; b < 65536; b++) assert.equal(back[b], Number.isNaN(from(all.subarray(b, b + 1))[0]) ? nan : b, hex(b));
  });
}

test('rounding from float64 is one rounding, not two: a value just above a float16 tie rounds up', () => {
  const tie = 1 + 2 ** -11; // halfway between 1 and the next float16, 1 + 2⁻¹⁰
  assert.equal(toFloat16Bits([tie])[0], 0x3c00);
  assert.equal(toFloat16Bits([tie + 2 ** -40])[0], 0x3c01, 'float32 would round this to the tie, then to 1');
  assert.equal(toBfloat16Bits([1 + 2 ** -8 + 2 ** -40])[0], 0x3f81);
});
