/** Runs difflow's PyTorch mirrors on exported weights (scripts/torch_load_export.py, Debian's python3-torch). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The PyTorch mirror's output for a state_dict file and inputs (scripts/torch_load_export.py). */
export function torchMirrorOutput(file: string, inputs: { z: number[][]; t: number[][]; labels?: number[] }): number[] {
  const json = join(mkdtempSync(join(tmpdir(), 'difflow-torch-')), 'inputs.json');
  writeFileSync(json, JSON.stringify(inputs));
  const r = spawnSync('/usr/bin/python3', ['scripts/torch_load_export.py', file, json], { encoding: 'utf8' });
  assert.equal(r.status, 0, `scripts/torch_load_export.py (needs Debian's python3-torch): ${r.error ?? r.stderr}`);
  return (JSON.parse(r.stdout).out as number[][]).flat();
}

/** Rows of `flat` [B·d] as [B][d]. */
export const rows = (flat: ArrayLike<number>, d: number): number[][] => Array.from({ length: flat.length / d }, (_, b) => Array.from(flat).slice(b * d, (b + 1) * d));

/** The largest |a − b| relative to max(1, max |b|). */
export function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}

