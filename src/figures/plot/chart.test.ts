import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChart, lineChartFrame, panelGrid, scatterChart, scatterChartFrame } from './chart.js';
import { escapeXml } from './svg.js';

/** Throws unless `xml` is one well-formed element (tags balanced, attributes quoted, entities valid). No regexes. */
function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\t' || c === '\r';
  const isNameChar = (c: string) => c !== '' && !isSpace(c) && c !== '/' && c !== '>' && c !== '=' && c !== '<' && c !== '"' && c !== "'";
  const entity = (at: number): number => {
    const end = xml.indexOf(';', at);
    assert.ok(end > at, `unterminated entity at ${at}`);
    const name = xml.slice(at + 1, end);
    const numeric = name.startsWith('#x')
      ? name.length > 2 && [...name.slice(2)].every((c) => '0123456789abcdefABCDEF'.includes(c))
      : name.startsWith('#') && name.length > 1 && [...name.slice(1)].every((c) => c >= '0' && c <= '9');
    assert.ok(numeric || ['amp', 'lt', 'gt', 'quot', 'apos'].includes(name), `bad entity &${name}; at ${at}`);
    return end + 1;
  };
  const name = (): string => {
    const start = i;
    while (i < xml.length && isNameChar(xml[i])) i++;
    assert.ok(i > start, `expected a name at ${start}`);
    return xml.slice(start, i);
  };
  while (i < xml.length) {
    const c = xml[i];
    if (c === '&') {
      i = entity(i);
    } else if (c !== '<') {
      assert.ok(stack.length > 0 || isSpace(c), `text outside the root element at ${i}`);
      i++;
    } else if (xml.startsWith('<?', i) || xml.startsWith('<!--', i)) {
      const close = xml.startsWith('<?', i) ? '?>' : '-->';
      const end = xml.indexOf(close, i);
      assert.ok(end > 0, `unterminated markup at ${i}`);
      i = end + close.length;
    } else if (xml[i + 1] === '/') {
      i += 2;
      const tag = name();
      while (isSpace(xml[i])) i++;
      assert.equal(xml[i], '>', `bad closing tag </${tag}`);
      i++;
      assert.equal(stack.pop(), tag, `</${tag}> closes the wrong element`);
    } else {
      i++;
      const tag = name();
      const seen = new Set<string>();
      for (;;) {
        while (isSpace(xml[i])) i++;
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        const attr = name();
        assert.ok(!seen.has(attr), `attribute ${attr} twice on <${tag}>`);
        seen.add(attr);
        assert.equal(xml[i], '=', `attribute ${attr} without a value`);
        const quote = xml[i + 1];
        assert.ok(quote === '"' || quote === "'", `unquoted attribute ${attr}`);
        i += 2;
        while (xml[i] !== quote) {
          assert.ok(i < xml.length && xml[i] !== '<', `bad value of ${attr}`);
          i = xml[i] === '&' ? entity(i) : i + 1;
        }
        i++;
      }
      if (stack.length === 0) roots++;
      if (xml[i] === '>') stack.push(tag);
      i += xml[i] === '>' ? 1 : 2;
    }
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'one root element');
}

/** Values of `attr` on every element whose opening tag contains `marker`, in order. */
function attrsOf(svg: string, marker: string, attr: string): string[] {
  const out: string[] = [];
  for (let at = svg.indexOf(marker); at >= 0; at = svg.indexOf(marker, at + 1)) {
    const open = svg.lastIndexOf('<', at);
    const tag = svg.slice(open, svg.indexOf('>', at));
    const k = tag.indexOf(` ${attr}="`);
    if (k >= 0) out.push(tag.slice(k + attr.length + 3, tag.indexOf('"', k + attr.length + 3)));
  }
  return out;
}

/** The sub-paths of an "M x,y L x,y …" path as lists of points. */
function subpaths(d: string): [number, number][][] {
  return d
    .split('M')
    .filter((s) => s !== '')
    .map((s) => s.split('L').map((p) => p.split(',').map(Number) as [number, number]));
}

const t = Array.from({ length: 11 }, (_, i) => i / 10);

test("a line chart's path maps data to pixels exactly as its scales say", () => {
  const spec = { xDomain: [0, 1] as const, yDomain: [-1, 1] as const, series: [{ x: t, y: t.map((s) => Math.sin(6 * s)) }] };
  const frame = lineChartFrame(spec);
  const [path] = subpaths(attrsOf(lineChart(spec), 'class="line"', 'd')[0]);
  assert.equal(path.length, t.length);
  t.forEach((s, i) => {
    assert.ok(Math.abs(path[i][0] - frame.x.map(s)) <= 0.005, `x of point ${i}`);
    assert.ok(Math.abs(path[i][1] - frame.y.map(Math.sin(6 * s))) <= 0.005, `y of point ${i}`);
  });
  assert.equal(path[0][0], frame.area.x);
  assert.equal(path[10][0], frame.area.x + frame.area.width);
  assert.equal(frame.y.map(-1), frame.area.y + frame.area.height);
  assert.equal(frame.y.map(1), frame.area.y);
});

test('a NaN in the middle of a series splits its path into two sub-paths', () => {
  const y = t.map((s, i) => (i === 5 ? NaN : s));
  const d = attrsOf(lineChart({ series: [{ x: t, y }] }), 'class="line"', 'd')[0];
  assert.deepEqual(
    subpaths(d).map((p) => p.length),
    [5, 5],
  );
});

test('NaN and Infinity never appear in the output', () => {
  const bad = [NaN, Infinity, -Infinity];
  const charts = [
    lineChart({
      series: [
        { x: t, y: t.map((s, i) => bad[i % 3] ?? s) },
        { x: [NaN, NaN], y: [1, 2] },
        { x: [], y: [] },
      ],
      legend: true,
    }),
    lineChart({ series: [{ x: t, y: t.map((s) => s * 1e300 * 1e10), markers: true, fill: true }] }),
    lineChart({ series: [{ x: t, y: t.map((s) => s - 0.5) }], logY: true }),
    lineChart({ series: [] }),
    lineChart({ series: [{ x: [0, 1, 2], y: [5, 5, 5] }] }),
    lineChart({ series: [{ x: t, y: t.map((s) => s * 1e200) }], yDomain: [0, 1] }),
    scatterChart({ points: [{ x: [NaN, 1, Infinity], y: [0, NaN, 2] }], equalAspect: true }),
  ];
  for (const svg of charts) {
    assert.ok(!svg.includes('NaN') && !svg.includes('Infinity'), svg);
    checkWellFormed(svg);
  }
});

test('titles, labels and series names are XML-escaped', () => {
  const nasty = `<b>"Q" & 'A'</b>`;
  const svg = lineChart({
    title: nasty,
    xLabel: nasty,
    yLabel: nasty,
    series: [{ name: nasty, x: t, y: t, color: '"red' }],
    legend: 'right',
  });
  assert.ok(!svg.includes('<b>'));
  assert.equal(svg.split(escapeXml(nasty)).length - 1, 4);
  assert.equal(escapeXml(nasty), '&lt;b&gt;&quot;Q&quot; &amp; &apos;A&apos;&lt;/b&gt;');
  checkWellFormed(svg);
});

test('every chart is one standalone, well-formed SVG document', () => {
  const svgs = [
    lineChart({
      title: 'λ and σ(λ)',
      xLabel: 'λ',
      yLabel: 'w(λ)',
      series: [{ name: 'a', x: t, y: t, dash: '4 2', curve: 'step', fill: '#ccc' }],
    }),
    scatterChart({ points: [{ name: 'p', x: t, y: t }], lines: [{ x: t, y: t }] }),
  ];
  for (const svg of svgs) {
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320" viewBox="0 0 480 320"'));
    checkWellFormed(svg);
  }
  checkWellFormed(panelGrid(svgs, 2, { title: 'two & two' }));
});

test('the checker itself rejects malformed XML', () => {
  for (const bad of [
    '<svg><g></svg>',
    '<svg a="1" a="2"/>',
    '<svg a=1/>',
    '<svg>&nbsp;</svg>',
    '<svg/><svg/>',
    '<svg>a & b</svg>',
    '<svg a="<"/>',
  ]) {
    assert.throws(() => checkWellFormed(bad), bad);
  }
  checkWellFormed('<?xml version="1.0"?>\n<svg a="&amp;&#955;"><!-- c --><g/>x&#x3bb;</svg>\n');
});

test('clip-path ids are unique per chart and panelGrid keeps them unique within one document', () => {
  const a = lineChart({ series: [{ x: t, y: t }] });
  const b = lineChart({ series: [{ x: t, y: t.map((s) => -s) }] });
  const [idA] = attrsOf(a, '<clipPath', 'id');
  const [idB] = attrsOf(b, '<clipPath', 'id');
  assert.notEqual(idA, idB);
  assert.equal(attrsOf(a, 'clip-path=', 'clip-path')[0], `url(#${idA})`);
  assert.equal(lineChart({ series: [{ x: t, y: t }] }), a, 'the same spec gives the same document');
  const grid = panelGrid([a, a, b], 2);
  const ids = attrsOf(grid, '<clipPath', 'id');
  assert.equal(new Set(ids).size, 3);
  for (const ref of attrsOf(grid, 'clip-path=', 'clip-path')) assert.ok(ids.includes(ref.slice(5, -1)), ref);
});

test('panelGrid lays panels out in rows of `columns`, sized to the widest and tallest', () => {
  const small = lineChart({ width: 200, height: 100, series: [] });
  const big = lineChart({ width: 300, height: 150, series: [] });
  const grid = panelGrid([{ svg: small }, { svg: big }, { svg: small }], 2, { gap: 10 });
  assert.ok(grid.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="530" height="280"'));
  assert.deepEqual(attrsOf(grid, '<svg x=', 'x'), ['10', '220', '10']);
  assert.deepEqual(attrsOf(grid, '<svg x=', 'y'), ['10', '10', '170']);
  assert.throws(() => panelGrid([small], 0), RangeError);
});

test('a scatter chart draws one circle per finite point, over its lines', () => {
  const svg = scatterChart({ points: [{ x: [0, 1, NaN, 3], y: [0, 1, 2, 3] }], lines: [{ x: [0, 3], y: [3, 0] }] });
  const points = svg.slice(svg.indexOf('class="points"'));
  assert.equal(points.split('<circle').length - 1, 3);
  assert.ok(svg.indexOf('class="line"') < svg.indexOf('class="points"'));
});

test('equalAspect gives one unit the same length in px on both axes', () => {
  const frame = scatterChartFrame({ points: [{ x: [-4, 4], y: [-1, 1] }], equalAspect: true });
  const ux = (frame.x.domain[1] - frame.x.domain[0]) / frame.area.width;
  const uy = (frame.y.domain[1] - frame.y.domain[0]) / frame.area.height;
  assert.ok(Math.abs(ux / uy - 1) < 1e-6, `${ux} vs ${uy}`);
});

test('a step curve holds each value until the next x', () => {
  const spec = { xDomain: [0, 2] as const, yDomain: [0, 2] as const, series: [{ x: [0, 1, 2], y: [1, 2, 0], curve: 'step' as const }] };
  const frame = lineChartFrame(spec);
  const [path] = subpaths(attrsOf(lineChart(spec), 'class="line"', 'd')[0]);
  const px = (x: number, y: number) => [Math.round(frame.x.map(x) * 100) / 100, Math.round(frame.y.map(y) * 100) / 100];
  assert.deepEqual(path, [px(0, 1), px(1, 1), px(1, 2), px(2, 2), px(2, 0)]);
});

test('an automatic legend sits in a corner free of data, or outside the plot area', () => {
  const rising = { x: t, y: t, name: 'rising' };
  const frame = lineChartFrame({ series: [rising] });
  assert.equal(frame.legend?.position, 'top-left');
  const crowded = [0, 1, 2, 3].map((k) => ({ name: `s${k}`, x: [0, 1], y: [k % 2, 1 - (k % 2)] }));
  const both = lineChartFrame({ series: [...crowded, { x: [0, 1], y: [0.5, 0.5] }, { x: [0.5, 0.5], y: [0, 1] }] });
  assert.ok(both.legend?.position === 'right' || both.legend?.position === 'bottom');
  assert.equal(lineChartFrame({ series: [rising], legend: false }).legend, undefined);
  assert.equal(lineChartFrame({ series: [{ x: t, y: t }] }).legend, undefined, 'no names, no legend');
  assert.equal(lineChartFrame({ series: [rising], legend: 'bottom-right' }).legend?.position, 'bottom-right');
});
