import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import { fromFloat16Bits, toFloat16Bits } from '../io/float16.js';
import { nodeRuntime } from './ortNode.js';
import * as ortWeb from 'onnxruntime-web';
import { webRuntime } from './ortWeb.js';
import type { TypedTensor, TensorData } from './runtime.js';

const { onnx } = onnxProto;
const ELEM = { float32: 1, int32: 6, int64: 7, float16: 10, float64: 11 } as const;

/** An ONNX model that doubles one input of each element type (Add x + x), with a symbolic first dimension. */
function doubler(): Uint8Array {
  const types = Object.entries(ELEM);
  const info = (name: string, elemType: number) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'n' }, { dimValue: 2 }] } } } });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: onnx.GraphProto.create({
        name: 'doubler',
        node: types.map(([type]) => onnx.NodeProto.create({ opType: 'Add', input: [`in_${type}`, `in_${type}`], output: [`out_${type}`] })),
        input: types.map(([type, e]) => info(`in_${type}`, e)),
        output: types.map(([type, e]) => info(`out_${type}`, e)),
      }),
    }),
  ).finish();
}

for (const runtime of [nodeRuntime, webRuntime(ortWeb)]) {
  test(`${runtime.name.split(' ')[0]} carries float32, float16, float64, int32 and int64 tensors in and out`, async () => {
    const session = await runtime.createSession(doubler(), { threads: 1 });
    const dims = [2, 2];
    const feeds: Record<string, TypedTensor> = {
      in_float32: { data: Float32Array.of(1.5, -2, 3, 0.25), dims },
      in_float16: { type: 'float16', data: toFloat16Bits([1.5, -2, 3, 0.25]), dims },
      in_float64: { type: 'float64', data: Float64Array.of(Math.PI, -1e300, 1e-300, 0.1), dims },
      in_int32: { type: 'int32', data: Int32Array.of(1, -2, 2 ** 29, 7), dims },
      in_int64: { type: 'int64', data: BigInt64Array.of(1n, -2n, 2n ** 60n, 999n), dims },
    };
    const out = await session.runTensors(feeds);
    assert.deepEqual(
      session.inputs.map((i) => [i.name, i.type, i.dims]),
      Object.keys(ELEM).map((type) => [`in_${type}`, type, ['n', 2]]),
    );
    assert.equal(out.out_float32.type, 'float32');
    assert.deepEqual([...out.out_float32.data], [3, -4, 6, 0.5]);
    assert.equal(out.out_float16.type, 'float16');
    assert.deepEqual([...fromFloat16Bits(out.out_float16.data as Uint16Array)], [3, -4, 6, 0.5]);
    assert.deepEqual(out.out_float64, { type: 'float64', data: Float64Array.of(2 * Math.PI, -2e300, 2e-300, 0.2), dims });
    assert.deepEqual(out.out_int32, { type: 'int32', data: Int32Array.of(2, -4, 2 ** 30, 14), dims });
    assert.deepEqual(out.out_int64, { type: 'int64', data: BigInt64Array.of(2n, -4n, 2n ** 61n, 1998n), dims });
    await assert.rejects(
      session.run(feeds as Record<string, TensorData>),
      /^DifflowError: output 'out_\w+' is (int32|int64|float16|float64), not float32: use runTensors/,
    );
    await session.release();
  });
}

test('a PyTorch-exported model with float16 input and output and int64 timesteps runs and agrees with its float32 twin', async () => {
  const dir = new URL('../../test/fixtures/diffusers-tiny/', import.meta.url);
  const half = await nodeRuntime.createSession(readFileSync(new URL('eps-fp16.onnx', dir)), { threads: 1 });
  const full = await nodeRuntime.createSession(readFileSync(new URL('eps.onnx', dir)), { threads: 1 });
  assert.deepEqual(
    half.inputs.map((i) => [i.name, i.type, i.dims]),
    [
      ['sample', 'float16', ['batch', 2]],
      ['timestep', 'int64', ['batch']],
    ],
  );
  const sample = Float32Array.of(0.5, -1, 2, 0.125, -0.75, 1.5);
  const timestep = { type: 'int64' as const, data: BigInt64Array.of(999n, 500n, 1n), dims: [3] };
  const a = await half.runTensors({ sample: { type: 'float16', data: toFloat16Bits(sample), dims: [3, 2] }, timestep });
  const b = await full.runTensors({ sample: { data: sample, dims: [3, 2] }, timestep });
  assert.equal(a.out_sample.type, 'float16');
  const got = fromFloat16Bits(a.out_sample.data as Uint16Array);
  (b.out_sample.data as Float32Array).forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 2e-3 * (1 + Math.abs(v)), `${got[i]} vs ${v}`));
  await Promise.all([half.release(), full.release()]);
});
