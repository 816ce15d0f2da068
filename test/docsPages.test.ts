import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docPageList, docsPages } from '../scripts/docsPages.js';
import { markdownToHtml } from '../scripts/markdown.js';

const keep = (href: string) => href;

test('markdownToHtml renders headings, nested lists, tables, code and inline marks', () => {
  const html = markdownToHtml(
    [
      '# Title',
      '',
      'A *word*, **bold**, `a_b*c`.',
      '',
      '1. one',
      '   - inner',
      '     wrapped',
      '2. two',
      '',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '',
      '```sh',
      'x < y',
      '```',
    ].join('\n'),
    keep,
  );
  assert.match(html, /<h1 id="title">Title<\/h1>/);
  assert.match(html, /<em>word<\/em>, <strong>bold<\/strong>, <code>a_b\*c<\/code>/);
  assert.match(html, /<ol><li>one<ul><li>inner wrapped<\/li><\/ul><\/li><li>two<\/li><\/ol>/);
  assert.match(html, /<table><thead><tr><th>a<\/th><th>b<\/th><\/tr><\/thead><tbody><tr><td>1<\/td><td>2<\/td><\/tr><\/tbody><\/table>/);
  assert.match(html, /<pre><code>x &lt; y<\/code><\/pre>/);
});

test('the docs pages link each other as HTML, copy the images they show and leave source files unlinked', () => {
  const files = docsPages('.');
  const names = files.map((f) => f.fileName);
  for (const page of docPageList('.')) assert.ok(names.includes(page.replace(/\.md$/, '.html')), page);
  const readme = String(files.find((f) => f.fileName === 'README.html')!.source);
  assert.match(readme, /href="docs\/FRAMEWORK.html"/);
  assert.match(readme, /src="docs\/figures\/1-rescaling.svg"/);
  assert.ok(names.includes('docs/figures/1-rescaling.svg'));
  assert.doesNotMatch(readme, /href="[^"]*\.md"/, 'no link to a .md file');
  assert.doesNotMatch(readme, /href="src\//, 'no link to a source file');
  const explorer = String(files.find((f) => f.fileName === 'docs/explorer.html')!.source);
  assert.match(explorer, /href="\.\.\/index.html"/, 'the way back to the explorer');
});
