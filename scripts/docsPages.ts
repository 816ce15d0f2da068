/**
 * The explorer's documentation pages, so that its links work from any static host: README.md and every
 * docs/*.md page (the formula sheet, the explorer's notes, the API tour, …) rendered to HTML next to
 * the built page (same relative paths, `.md` → `.html`), with the images they show copied beside them. Links to one of these
 * pages point to its HTML; links to files that are not part of the site (source files) show as plain text.
 * As a Vite plugin: emitted by `vite build`, served by `vite` (dev).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, posix } from 'node:path';
import type { Plugin } from 'vite';
import { markdownToHtml } from './markdown.js';

/** The rendered pages, as repository paths: README.md and every docs/*.md page. */
export function docPageList(root: string): string[] {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .sort()
    : [];
  return ['README.md', ...docs.map((f) => `docs/${f}`)];
}

const STYLE = `body{font:16px/1.6 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1d2433;\
max-width:900px;margin:0 auto;padding:16px 20px 48px}
a{color:#0072b2}code{font:0.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f2f4f7;padding:0 3px;border-radius:3px}
pre{background:#f2f4f7;padding:10px 12px;border-radius:6px;overflow-x:auto}pre code{background:none;padding:0}
table{border-collapse:collapse;display:block;overflow-x:auto}th,td{border:1px solid #dfe3ea;padding:4px 8px;vertical-align:top}
img{max-width:100%;height:auto}blockquote{border-left:3px solid #cfe0ee;margin:0;padding-left:12px;color:#333b4a}
nav.back{margin-bottom:12px;font-size:.95rem}`;

/** One file of the site: its path in the build, and its bytes. */
export interface SiteFile {
  readonly fileName: string;
  readonly source: string | Uint8Array;
}

function htmlName(path: string): string {
  return path.replace(/\.md$/, '.html');
}

/** The HTML pages and the images they show, read from the repository at `root`. */
export function docsPages(root: string): SiteFile[] {
  const files = new Map<string, SiteFile>();
  const pages = docPageList(root);
  for (const page of pages) {
    const path = join(root, page);
    if (!existsSync(path)) continue;
    const here = posix.dirname(page);
    const link = (href: string): string | undefined => {
      if (/^[a-z]+:/i.test(href) || href.startsWith('#')) return href;
      const [file, anchor] = href.split('#');
      const target = posix.normalize(posix.join(here, file));
      const back = posix.relative(here, target) || posix.basename(target);
      const suffix = anchor === undefined ? '' : `#${anchor}`;
      if (pages.includes(target)) return htmlName(back) + suffix;
      // Images and other documents under docs/ are copied; anything else (source code) is not on the site.
      if (!target.startsWith('docs/') || !existsSync(join(root, target))) return undefined;
      files.set(target, { fileName: target, source: readFileSync(join(root, normalize(target))) });
      return back + suffix;
    };
    const markdown = readFileSync(path, 'utf8');
    const title = /^#\s+(.*)$/m.exec(markdown)?.[1] ?? page;
    const home = posix.relative(here, 'index.html');
    const body = markdownToHtml(markdown, link);
    const html =
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${title.replace(/[<>&]/g, '')} — difflow</title><style>${STYLE}</style></head>` +
      `<body><nav class="back"><a href="${home}">← the live explorer</a></nav>\n${body}\n</body></html>\n`;
    files.set(htmlName(page), { fileName: htmlName(page), source: html });
  }
  return [...files.values()];
}

/** The Vite plugin: emits the pages in a build and serves them in dev. */
export function docsPagesPlugin(repoRoot: string): Plugin {
  return {
    name: 'difflow-docs-pages',
    generateBundle() {
      for (const f of docsPages(repoRoot)) this.emitFile({ type: 'asset', fileName: f.fileName, source: f.source });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\//, '');
        const file = docsPages(repoRoot).find((f) => f.fileName === path);
        if (!file) return next();
        res.setHeader(
          'content-type',
          path.endsWith('.html') ? 'text/html; charset=utf-8' : path.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream',
        );
        res.end(file.source);
      });
    },
  };
}

/** The repository root, from this file's folder (scripts/). */
export const REPO_ROOT = dirname(dirname(new URL(import.meta.url).pathname));
