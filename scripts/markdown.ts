/**
 * A small Markdown-to-HTML renderer for the explorer's documentation pages (the README, the formula sheet and
 * docs/explorer.md as they are written here): ATX headings, paragraphs, `-`/`1.` lists (wrapped lines joined;
 * a more deeply indented item nests one level), pipe tables, fenced code, block quotes, and inline code, bold, italic, links and images.
 * Links go through `link(href)`: it returns the href to use, or undefined to show the text unlinked.
 */

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Inline Markdown: code spans first (nothing inside them is parsed), then images, links, bold and italic. */
export function inline(text: string, link: (href: string) => string | undefined): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part)
        .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_, alt: string, href: string) => {
          const to = link(href);
          return to === undefined ? alt : `<img src="${to}" alt="${alt}" loading="lazy">`;
        })
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, href: string) => {
          const to = link(href);
          return to === undefined ? label : `<a href="${to}">${label}</a>`;
        })
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s.,;:)!?]|$)/g, '$1<em>$2</em>');
    })
    .join('');
}

const LIST_ITEM = /^\s*(?:[-*]|\d+\.)\s+/;

function tableRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** The document's HTML (block structure; inline Markdown inside blocks). */
export function markdownToHtml(source: string, link: (href: string) => string | undefined): string {
  const lines = source.split('\n');
  const out: string[] = [];
  const md = (text: string) => inline(text, link);
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
    } else if (line.startsWith('```')) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
      i++;
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
    } else if (/^#{1,6}\s/.test(line)) {
      const level = line.indexOf(' ');
      const text = line.slice(level + 1).trim();
      const id = text
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s-]/gu, '')
        .trim()
        .replace(/\s+/g, '-');
      out.push(`<h${level} id="${id}">${md(text)}</h${level}>`);
      i++;
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) if (!/^\|[\s|:-]+\|$/.test(lines[i].trim())) rows.push(tableRow(lines[i]));
      const [head, ...body] = rows;
      out.push(
        `<table><thead><tr>${head.map((c) => `<th>${md(c)}</th>`).join('')}</tr></thead>` +
          `<tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${md(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`,
      );
    } else if (LIST_ITEM.test(line)) {
      // Items at the first item's indentation; more deeply indented items nest (one level) under the one before.
      const ordered = /^\s*\d+\./.test(line);
      const indent = (l: string) => l.length - l.trimStart().length;
      const top = indent(line);
      const items: { text: string; children: string[] }[] = [];
      for (; i < lines.length && lines[i].trim() !== '' && !lines[i].startsWith('#') && !lines[i].startsWith('```'); i++) {
        const last = items[items.length - 1];
        if (LIST_ITEM.test(lines[i]) && indent(lines[i]) <= top) items.push({ text: lines[i].replace(LIST_ITEM, ''), children: [] });
        else if (LIST_ITEM.test(lines[i])) last.children.push(lines[i].replace(LIST_ITEM, ''));
        else if (last.children.length > 0) last.children[last.children.length - 1] += ` ${lines[i].trim()}`;
        else last.text += ` ${lines[i].trim()}`;
      }
      const tag = ordered ? 'ol' : 'ul';
      const nested = (children: string[]) => (children.length === 0 ? '' : `<ul>${children.map((c) => `<li>${md(c)}</li>`).join('')}</ul>`);
      out.push(`<${tag}>${items.map((item) => `<li>${md(item.text)}${nested(item.children)}</li>`).join('')}</${tag}>`);
    } else if (line.startsWith('>')) {
      const quote: string[] = [];
      for (; i < lines.length && lines[i].startsWith('>'); i++) quote.push(lines[i].replace(/^>\s?/, ''));
      out.push(`<blockquote><p>${md(quote.join(' '))}</p></blockquote>`);
    } else {
      const para: string[] = [];
      for (; i < lines.length && lines[i].trim() !== '' && !/^(#{1,6}\s|```|\||>)/.test(lines[i]) && !LIST_ITEM.test(lines[i]); i++)
        para.push(lines[i].trim());
      out.push(`<p>${md(para.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}
