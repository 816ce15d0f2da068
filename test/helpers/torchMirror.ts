/** Runs difflow's PyTorch mirrors on exported weights (scripts/torch_load_export.py, Debian's python3-torch). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Inputs of a mirror: rows of z [B][dim] and t [B][1], and labels for class-conditional networks. */
export interface MirrorInputs {
  readonly z: number[][];
  readonly t: number[][];
  readonly labels?: number[];
}

/**
 * The PyTorch mirrors' outputs, flat [B·dim], for state_dict files and their inputs, in one Python process
 * (scripts/torch_load_export.py; PyTorch's import is most of its time).
 */
export function torchMirrorOutputs(runs: readonly { readonly file: string; readonly inputs: MirrorInputs }[]): number[][] {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-torch-'));
  const args = runs.flatMap(({ file, inputs }, i) => {
    const json = join(dir, `inputs${i}.json`);
    writeFileSync(json, JSON.stringify(inputs));
    return [file, json];
  });
  const r = spawnSync('/usr/bin/python3', ['scripts/torch_load_export.py', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `scripts/torch_load_export.py (needs Debian's python3-torch): ${r.error ?? r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line).out as number[][]).flat());
}

/** Rows of `flat` [B·d] as [B][d]. */
export const rows = (flat: ArrayLike<number>, d: number): number[][] =>
  Array.from({ length: flat.length / d }, (_, b) => Array.from(flat).slice(b * d, (b + 1) * d));

/** The largest |a − b| relative to max(1, max |b|). */
export function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}
