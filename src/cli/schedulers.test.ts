import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from './main.js';

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(args, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

test('difflow schedulers lists every supported class with its keys, defaults and accepted values', async () => {
  const { code, out } = await cli('schedulers');
  assert.equal(code, 0);
  for (const name of [
    'DDIMScheduler',
    'DDPMScheduler',
    'EulerDiscreteScheduler',
    'EulerAncestralDiscreteScheduler',
    'HeunDiscreteScheduler',
    'DPMSolverMultistepScheduler',
    'EDMEulerScheduler',
    'FlowMatchEulerDiscreteScheduler',
  ]) {
    assert.ok(out.includes(name), name);
  }
  assert.match(out, /set_alpha_to_one\s+true\s+true, false/);
  assert.match(out, /solver_order\s+2\s+1, 2\s/);
  assert.match(out, /base_shift\s+\(no effect\)/);
});

test('difflow schedulers --class shows one class, and an unknown class is a one-line error (exit 2)', async () => {
  const one = await cli('schedulers', '--class', 'EDMEulerScheduler', '--markdown');
  assert.equal(one.code, 0);
  assert.match(one.out, /^### EDMEulerScheduler/);
  assert.ok(!one.out.includes('DDIMScheduler'));
  assert.match(one.out, /\| sigma_data +\| 0\.5 +\|/);
  assert.equal((await cli('schedulers', '--class', 'PNDMScheduler')).code, 2);
});

test("docs/diffusers.md's key tables are the current `difflow schedulers --markdown` listing", async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../docs/diffusers.md', import.meta.url), 'utf8');
  const block = doc.split('<!-- schedulers:begin -->\n')[1]?.split('<!-- schedulers:end -->')[0];
  assert.equal(
    block?.trim(),
    (await cli('schedulers', '--markdown')).out.trim(),
    'regenerate the block with `difflow schedulers --markdown`',
  );
});
