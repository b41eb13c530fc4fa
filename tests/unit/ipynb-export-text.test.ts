/** The other exports: a percent-format .py script and a standalone, script-free HTML page. */
import { beforeAll, describe, expect, test } from 'vitest';
import { EXECUTOR, appendOutputs, createNotebookDoc, setExecutionCount } from '../../src/model';
import { exportHtml, exportPercentScript, importNotebook, loadMath } from '../../src/model/ipynb';
import { fixture, mustParse } from '../fixtures/notebooks/helpers';

describe('percent-format script', () => {
  test('code cells as they are, markdown and raw commented, each after its # %% marker', () => {
    const doc = createNotebookDoc({
      cells: [
        { type: 'markdown', source: '# Title\n\nSome *text*.\n' },
        { type: 'code', source: 'import math\nprint(math.pi)\n' },
        { type: 'raw', source: 'raw line' },
        { type: 'ai', source: 'Explain the cell above' },
        { type: 'sql', source: 'SELECT 1\nFROM t' },
        { type: 'code', source: '' },
      ],
    });
    expect(exportPercentScript(doc)).toBe(
      [
        '# %% [markdown]',
        '# # Title',
        '#',
        '# Some *text*.',
        '',
        '# %%',
        'import math',
        'print(math.pi)',
        '',
        '# %% [raw]',
        '# raw line',
        '',
        '# %% [ai]',
        '# Explain the cell above',
        '',
        '# %% [sql]',
        '# SELECT 1',
        '# FROM t',
        '',
        '# %%',
        '',
      ].join('\n'),
    );
  });

  test('an empty notebook gives an empty script, and outputs are not included', () => {
    expect(exportPercentScript(createNotebookDoc({ cells: [] }))).toBe('');
    const script = exportPercentScript(importNotebook(mustParse(fixture('all-outputs.v4.5.ipynb'))));
    expect(script).not.toContain('hello, world\n#');
    expect(script).not.toContain('iVBOR');
    expect(script.match(/^# %%/gm)).toHaveLength(13);
  });
});

describe('standalone HTML page', () => {
  let page = '';
  beforeAll(async () => {
    // KaTeX loads on first use, as in the app (which awaits it before an HTML export).
    await loadMath();
    page = exportHtml(importNotebook(mustParse(fixture('all-outputs.v4.5.ipynb')), { title: 'Q3 <report> & "notes"' }));
  });

  /** The page with every iframe's srcdoc removed: what runs in the page's own origin. */
  const outsideFrames = (html: string) => html.replace(/srcdoc="[^"]*"/g, 'srcdoc=""');

  test('is one document with the escaped title and every cell in order', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page).toContain('<title>Q3 &#60;report&#62; &#38; &#34;notes&#34;</title>');
    const ids = [...page.matchAll(/<section class="cell (\w+)" id="cell-([\w-]+)"/g)].map((m) => m[2]);
    expect(ids).toEqual(['3f1c9a2e', 'a1b2c3d4', 'b2c3d4e5', 'c3d4e5f6', 'd4e5f6a7', 'e5f6a7b8', 'f6a7b8c9', 'a7b8c9d0', 'b8c9d0e1', 'c9d0e1f2', 'd0e1f2a3', 'e1f2a3b4', 'f2a3b4c5']);
  });

  test('shows sources, streams, results, images as data URLs, and errors without terminal colour codes', () => {
    expect(page).toContain('<h1>Every output type</h1>');
    expect(page).toContain('print(&#39;hello, world&#39;)');
    expect(page).toContain('<pre class="stream stderr" dir="auto">warning: low disk\n</pre>');
    expect(page).toMatch(/<img class="image-output" alt="output image" src="data:image\/png;base64,iVBOR[\w+/]+={0,2}">/);
    expect(page).toMatch(/src="data:image\/jpeg;base64,\/9j\//);
    expect(page).toMatch(/src="data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    expect(page).toContain('ZeroDivisionError: division by zero');
    expect(page).not.toContain('\u001b');
    expect(page).toContain('<div class="prompt">In[7]</div>');
    expect(page).toContain('<pre class="stream" dir="auto">2\n</pre>'); // "0\r1\r2\r\n" as a terminal shows it
    expect(page).toMatch(/<iframe [^>]*style="height:(\d+)px"/);
    const [table] = [...page.matchAll(/style="height:(\d+)px"/g)].map((m) => Number(m[1]));
    expect(table).toBeLessThan(150); // a two-row dataframe gets a frame about its size
  });

  test('runs no script in its own origin: HTML outputs live in sandboxed iframes without same-origin', () => {
    const frames = [...page.matchAll(/<iframe [^>]*>/g)].map((m) => m[0]);
    expect(frames).toHaveLength(2); // the dataframe and the plotly output
    for (const f of frames) {
      expect(f).toMatch(/ sandbox="allow-scripts" /);
      expect(f).not.toContain('allow-same-origin');
    }
    expect(page).toContain('srcdoc="&#60;!doctype html&#62;');
    const own = outsideFrames(page);
    expect(own).not.toMatch(/<script/i);
    expect(own).not.toMatch(/\son[a-z]+\s*=/i);
    expect(own).not.toMatch(/javascript:/i);
  });

  test('escapes hostile text everywhere and keeps only safe links in markdown', () => {
    const doc = createNotebookDoc({
      title: '</title><script>alert(1)</script>',
      cells: [
        {
          type: 'markdown',
          source: '<img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](https://example.org) <script>alert(2)</script>\n\n![pic](attachment:p.png) ![bad](javascript:x)',
          metadata: { attachments: { 'p.png': { 'image/png': 'iVBORw0KGgo=' } } },
        },
        { type: 'code', source: '"</pre><script>alert(3)</script>"', id: 'c' },
        { type: 'raw', source: '<b onclick="x()">raw</b>' },
      ],
    });
    appendOutputs(doc, 'c', [
      { output_type: 'stream', name: 'stdout', text: '<script>alert(4)</script>' },
      { output_type: 'display_data', data: { 'text/html': '<img src=x onerror="alert(5)">"\'&' }, metadata: {} },
      { output_type: 'display_data', data: { 'text/markdown': '<script>alert(6)</script> [m](javascript:alert(7))' }, metadata: {} },
      { output_type: 'display_data', data: { 'image/png': '" onload="alert(8)' }, metadata: {} },
      { output_type: 'error', ename: '<E>', evalue: '<v>', traceback: ['<tb onclick=1>'] },
    ], EXECUTOR);
    setExecutionCount(doc, 'c', 1, EXECUTOR);
    const html = exportHtml(doc);
    const own = outsideFrames(html);
    expect(own).not.toMatch(/<script/i);
    expect(own).not.toMatch(/<(img|b|tb)\s[^>]*on[a-z]+=/i);
    expect(own).not.toMatch(/(href|src)="\s*javascript:/i);
    expect(html).toContain('<a href="https://example.org" rel="noopener noreferrer nofollow">b</a>');
    expect(html).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" alt="pic">');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('srcdoc="&#60;!doctype html&#62;'); // the HTML output went into a frame, escaped
    expect(html).toContain('&#60;img src=x onerror=&#34;alert(5)&#34;&#62;&#34;&#39;&#38;');
    expect(html).toContain('<p class="note">[output of type image/png not shown in this export]</p>'); // not base64
    expect(html).toContain('<pre class="error" dir="auto">&#60;tb onclick=1&#62;</pre>');
  });

  test('renders markdown and LaTeX math as MathML, and leaves dollar amounts alone', () => {
    expect(page).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow>');
    expect(page).toMatch(/<mo>∫<\/mo>/); // the Latex() output
    const doc = createNotebookDoc({ cells: [{ type: 'markdown', source: 'It costs $5 and $10; $\\href{javascript:alert(1)}{x}$\n\n$$\n\\sum_i i\n$$' }] });
    const html = exportHtml(doc);
    expect(html).toContain('It costs $5 and $10;');
    expect(html).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">');
    expect(html).not.toMatch(/href="javascript/);
  });

  test('raw HTML in markdown is escaped, or kept and handed to the sanitizer when one is given', () => {
    const doc = createNotebookDoc({ cells: [{ type: 'markdown', source: 'a <b>bold</b> word<script>x()</script>' }] });
    expect(exportHtml(doc)).toContain('a &#60;b&#62;bold&#60;/b&#62; word');
    const seen: string[] = [];
    const html = exportHtml(doc, {
      sanitize: (h) => {
        seen.push(h);
        return h.replace(/<script>.*?<\/script>/g, '');
      },
    });
    expect(seen).toEqual(['<p>a <b>bold</b> word<script>x()</script></p>\n']);
    expect(html).toContain('<p>a <b>bold</b> word</p>');
    expect(html).not.toContain('<script>');
  });

  test('keeps unicode and right-to-left text as written', () => {
    const html = exportHtml(importNotebook(mustParse(fixture('unicode.v4.4.ipynb'))));
    expect(html).toContain('مرحبا بالعالم — שלום עולם — 你好，世界');
    expect(html).toContain('<section class="cell markdown" id="cell-');
    expect(html).toMatch(/dir="auto">ÅÄÖ 🎉\nالنص العربي\n<\/pre>/);
  });
});
