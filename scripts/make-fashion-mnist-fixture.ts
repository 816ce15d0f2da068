/**
 * Writes the tiny Fashion-MNIST fixture the tests use (test/fixtures/fashion-mnist-tiny): the first 10
 * training and 5 test images of each class from Debian's package, as gzipped IDX files named like the originals.
 * Run: npx tsx scripts/make-fashion-mnist-fixture.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../src/data/idx.js';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../src/models/image.js';
import { loadFashionMnist, type Split } from '../src/node/fashionMnist.js';

const out = 'test/fixtures/fashion-mnist-tiny';
mkdirSync(out, { recursive: true });
for (const [split, prefix, perClass] of [
  ['train', 'train', 10],
  ['test', 't10k', 5],
] as [Split, string, number][]) {
  const set = loadFashionMnist(split);
  const picked: number[] = [];
  const seen = new Array<number>(10).fill(0);
  for (let i = 0; i < set.count && picked.length < 10 * perClass; i++) {
    if (seen[set.labels[i]] < perClass) {
      seen[set.labels[i]]++;
      picked.push(i);
    }
  }
  const images = new Uint8Array(picked.length * IMAGE_PIXELS);
  picked.forEach((i, k) => images.set(set.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), k * IMAGE_PIXELS));
  const labels = Uint8Array.from(picked.map((i) => set.labels[i]));
  writeFileSync(
    join(out, `${prefix}-images-idx3-ubyte.gz`),
    gzipSync(encodeIdx([picked.length, IMAGE_SIDE, IMAGE_SIDE], images), { level: 9 }),
  );
  writeFileSync(join(out, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(encodeIdx([picked.length], labels), { level: 9 }));
  console.log(`${split}: ${picked.length} images`);
}
