#!/usr/bin/env bash
# The package as a user gets it: `npm pack`, install the tarball into an empty project, run the CLI and import
# every entry point. ONNX Runtime's postinstall fetches optional CUDA files from NuGet; a machine without that
# network skips it with ONNXRUNTIME_NODE_INSTALL=skip (the CPU binaries ship inside the npm package).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
cd "$work"
npm init -y >/dev/null
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error "./$tarball" >/dev/null
npx --no-install difflow --help >/dev/null
npx --no-install difflow oracle --schedule cosine --sampler heun --steps 5 --n 200
# The tiny trained model the package ships (assets/tiny-moons: an MLP 32 × 2 trained 600 steps on two moons).
npx --no-install difflow sample --model node_modules/difflow/assets/tiny-moons --n 200 --steps 10 --out samples.json
node -e "const s = require('./samples.json').samples; if (s.length !== 400 || !s.every(Number.isFinite)) process.exit(1)"
cat > check.mjs <<'JS'
import { flowMatching, mixtureOracle, ringMixture, priorSample, rng, uniformT, ddim } from 'difflow';
import { Builder, toOnnx } from 'difflow/engine';
import { buildForward, mlp } from 'difflow/models';
import { Trainer, makeConfig } from 'difflow/training';
import { nodeRuntime } from 'difflow/node';
import { FIGURE_NAMES, lineChart } from 'difflow/figures';
const s = flowMatching();
const z = await ddim(mixtureOracle(ringMixture(8, 2, 0.15), s), priorSample(s, 10, 2, rng(0)), uniformT(5));
const g = new Builder();
g.output('y', g.silu(g.input('x', [2, 3])));
const session = await nodeRuntime.createSession(toOnnx(g), { threads: 1 });
const trainer = await Trainer.create(makeConfig({ batch: 16, hidden: 16, layers: 1, threads: 1 }), nodeRuntime);
const { state } = await trainer.step(trainer.freshState());
await trainer.release();
if (state.step !== 1 || !Number.isFinite(state.losses[0])) throw new Error('difflow/training: a step failed');
if (z.length !== 20 || buildForward(mlp(), 2).outputs.length !== 1 || FIGURE_NAMES.length !== 5 || typeof lineChart !== 'function' || !session) throw new Error('package entry points broken');
console.log('package entry points: ok');
JS
node check.mjs
echo "pack test: $(du -k "$tarball" | cut -f1) KB tarball installed and ran"
