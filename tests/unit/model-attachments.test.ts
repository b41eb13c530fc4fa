/**
 * Attachments round trip: images pasted into markdown cells are stored in the document, shared with peers,
 * exported to .ipynb and imported back byte for byte; the AI sees their names, not their data.
 */
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import {
  LOCAL,
  MAX_ATTACHMENT_BYTES,
  addAttachment,
  attachmentName,
  createNotebookDoc,
  readAttachments,
  getCell,
  setCellType,
  snapshotCell,
  uniqueAttachmentName,
  type Origin,
} from '../../src/model';
import { attachmentUrl, exportHtml, exportIpynb, importNotebook, renderMarkdown } from '../../src/model/ipynb';
import { buildContext, renderCell } from '../../src/ai';
import { cells, fixture, mustParse } from '../fixtures/notebooks/helpers';
import { validateNbformat45 } from '../fixtures/notebooks/nbformat-schema';

// A real 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function markdownNotebook(): Y.Doc {
  return createNotebookDoc({ cells: [{ id: 'md', type: 'markdown', source: '# Notes\n' }, { id: 'code', type: 'code', source: '1' }] });
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('names', () => {
  test('a pasted image is image.png; names are made safe to link and keep their image type', () => {
    expect(attachmentName('image.png', 'image/png')).toBe('image.png');
    expect(attachmentName('', 'image/png')).toBe('image.png');
    expect(attachmentName('My Photo (1).JPG', 'image/jpeg')).toBe('My-Photo-1.JPG');
    expect(attachmentName('scan.jpeg', 'image/jpeg')).toBe('scan.jpeg');
    expect(attachmentName('chart.png', 'image/webp')).toBe('chart.webp');
    expect(attachmentName('C:\\shots\\chart', 'image/gif')).toBe('chart.gif');
    expect(attachmentName('../../etc/passwd', 'image/webp')).toBe('passwd.webp');
  });

  test('a name already used gets -1, -2… before its extension', () => {
    expect(uniqueAttachmentName('image.png', new Set())).toBe('image.png');
    expect(uniqueAttachmentName('image.png', new Set(['image.png']))).toBe('image-1.png');
    expect(uniqueAttachmentName('image.png', new Set(['image.png', 'image-1.png']))).toBe('image-2.png');
    expect(uniqueAttachmentName('noext', new Set(['noext']))).toBe('noext-1');
  });
});

describe('addAttachment', () => {
  test('stores the image under a unique name in one transaction with the given origin', () => {
    const doc = markdownNotebook();
    const origins: Origin[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin as Origin));
    const first = addAttachment(doc, 'md', 'image.png', { 'image/png': PNG }, LOCAL);
    const second = addAttachment(doc, 'md', 'image.png', { 'image/png': PNG }, LOCAL);
    expect(first).toEqual({ ok: true, name: 'image.png' });
    expect(second).toEqual({ ok: true, name: 'image-1.png' });
    expect(origins).toEqual([LOCAL, LOCAL]);
    expect(snapshotCell(doc, 'md')!.attachments).toEqual({ 'image.png': { 'image/png': PNG }, 'image-1.png': { 'image/png': PNG } });
    expect(snapshotCell(doc, 'md')!.metadata).toEqual({});
  });

  test('an image over the cap is refused with a message and nothing is stored', () => {
    const doc = markdownNotebook();
    const big = 'A'.repeat(Math.ceil(((MAX_ATTACHMENT_BYTES + 10) * 4) / 3));
    const r = addAttachment(doc, 'md', 'big.png', { 'image/png': big }, LOCAL);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^This image is 5\.0 MB; a cell attachment can be at most 5\.0 MB/);
    expect(snapshotCell(doc, 'md')!.attachments).toBeUndefined();
  });

  test('a cell that is gone is reported, not created', () => {
    const doc = markdownNotebook();
    expect(addAttachment(doc, 'nope', 'a.png', { 'image/png': PNG }, LOCAL)).toEqual({ ok: false, error: 'The cell no longer exists.' });
  });

  test('attachments an older build kept in metadata are read, and moved into the field on the next paste', () => {
    const doc = createNotebookDoc({ cells: [{ id: 'md', type: 'markdown', source: '![](attachment:old.png)', metadata: { attachments: { 'old.png': { 'image/png': PNG } }, tags: ['x'] } }] });
    expect(snapshotCell(doc, 'md')).toMatchObject({ attachments: { 'old.png': { 'image/png': PNG } }, metadata: { tags: ['x'] } });
    expect(addAttachment(doc, 'md', 'old.png', { 'image/png': PNG }, LOCAL)).toEqual({ ok: true, name: 'old-1.png' });
    const md = getCell(doc, 'md')!.get('metadata') as Y.Map<unknown>;
    expect(md.has('attachments')).toBe(false);
    expect(Object.keys(readAttachments(getCell(doc, 'md')!)!)).toEqual(['old.png', 'old-1.png']);
  });

  test('on a code cell a metadata key named attachments stays plain metadata', () => {
    const doc = createNotebookDoc({ cells: [{ id: 'c', type: 'code', source: '', metadata: { attachments: { 'x.png': { 'image/png': PNG } } } }] });
    expect(snapshotCell(doc, 'c')!.attachments).toBeUndefined();
    expect(snapshotCell(doc, 'c')!.metadata).toHaveProperty('attachments');
  });
});

describe('peers', () => {
  test('an attachment added by one peer reaches the other, and its image resolves there', () => {
    const a = markdownNotebook();
    const b = new Y.Doc();
    sync(a, b);
    const r = addAttachment(a, 'md', 'image.png', { 'image/png': PNG }, LOCAL);
    expect(r.ok).toBe(true);
    sync(a, b);
    const att = snapshotCell(b, 'md')!.attachments;
    expect(att).toEqual({ 'image.png': { 'image/png': PNG } });
    expect(attachmentUrl(att, 'attachment:image.png')).toBe(`data:image/png;base64,${PNG}`);
  });

  test('two peers pasting different images into the same cell at the same time both keep theirs', () => {
    const a = markdownNotebook();
    addAttachment(a, 'md', 'first.png', { 'image/png': PNG }, LOCAL);
    const b = new Y.Doc();
    sync(a, b);
    // Offline from each other: each pastes once more.
    expect(addAttachment(a, 'md', 'from-a.png', { 'image/png': PNG }, LOCAL)).toEqual({ ok: true, name: 'from-a.png' });
    expect(addAttachment(b, 'md', 'from-b.png', { 'image/png': PNG }, LOCAL)).toEqual({ ok: true, name: 'from-b.png' });
    sync(a, b);
    for (const d of [a, b]) expect(Object.keys(snapshotCell(d, 'md')!.attachments!).sort()).toEqual(['first.png', 'from-a.png', 'from-b.png']);
  });
});

describe('.ipynb', () => {
  test('a pasted image exports as the cell attachment, byte for byte, and imports back the same', () => {
    const doc = markdownNotebook();
    addAttachment(doc, 'md', 'image.png', { 'image/png': PNG }, LOCAL);
    const file = JSON.parse(exportIpynb(doc));
    expect(validateNbformat45(file)).toEqual([]);
    expect(file.cells[0].attachments).toEqual({ 'image.png': { 'image/png': PNG } });
    expect(file.cells[0].metadata).toEqual({});
    expect(file.cells[1]).not.toHaveProperty('attachments');
    const back = importNotebook(mustParse(JSON.stringify(file)));
    expect(cells(back)).toEqual(cells(doc));
  });

  test('a real Jupyter file with attachments (nbconvert test file) comes back with the same base64 and names', () => {
    // tests/fixtures/notebooks/nbconvert-attachment.v4.2.ipynb: jupyter/nbconvert tests/exporters/files/attachment.ipynb
    // at 78ed30837a607deab7cf0a12dca072bf3f63417a (BSD-3-Clause), byte for byte.
    const text = fixture('nbconvert-attachment.v4.2.ipynb');
    const original = JSON.parse(text);
    const doc = importNotebook(mustParse(text));
    const exported = exportIpynb(doc);
    const out = JSON.parse(exported);
    expect(validateNbformat45(out)).toEqual([]);
    const join = (v: string | string[]): string => (Array.isArray(v) ? v.join('') : v);
    for (const [i, cell] of original.cells.entries()) {
      const got = out.cells[i].attachments;
      expect(Object.keys(got)).toEqual(Object.keys(cell.attachments));
      for (const [name, bundle] of Object.entries<Record<string, string | string[]>>(cell.attachments)) {
        expect(Object.keys(got[name]).sort()).toEqual(Object.keys(bundle).sort());
        for (const [mime, data] of Object.entries(bundle)) expect(join(got[name][mime]), `${name} ${mime}`).toBe(join(data));
      }
    }
    // And a second round changes nothing.
    expect(exportIpynb(importNotebook(mustParse(exported)))).toBe(exported);
  });

  test('an empty "attachments" field comes back as written; a cell without one gets none', () => {
    const text = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { id: 'a', cell_type: 'markdown', metadata: {}, source: 'x', attachments: {} },
        { id: 'b', cell_type: 'markdown', metadata: {}, source: 'y' },
      ],
    });
    const out = JSON.parse(exportIpynb(importNotebook(mustParse(text))));
    expect(out.cells[0].attachments).toEqual({});
    expect(out.cells[1]).not.toHaveProperty('attachments');
  });

  test('raw cells keep their attachments too', () => {
    const doc = createNotebookDoc({ cells: [{ id: 'r', type: 'raw', source: 'raw', attachments: { 'notes.txt': { 'text/plain': 'a\nb\n' } } }] });
    const out = JSON.parse(exportIpynb(doc));
    expect(out.cells[0].attachments).toEqual({ 'notes.txt': { 'text/plain': ['a\n', 'b\n'] } });
    expect(cells(importNotebook(mustParse(JSON.stringify(out))))).toEqual(cells(doc));
  });

  test('attachments of a cell changed to code stay in the document but are not written on a code cell', () => {
    const doc = markdownNotebook();
    addAttachment(doc, 'md', 'image.png', { 'image/png': PNG }, LOCAL);
    setCellType(doc, 'md', 'code', LOCAL);
    expect(JSON.parse(exportIpynb(doc)).cells[0]).not.toHaveProperty('attachments');
    setCellType(doc, 'md', 'markdown', LOCAL);
    expect(JSON.parse(exportIpynb(doc)).cells[0].attachments).toEqual({ 'image.png': { 'image/png': PNG } });
  });

  test('the HTML export shows the attachment as an image', () => {
    const doc = createNotebookDoc({ cells: [{ id: 'md', type: 'markdown', source: '![chart](attachment:image.png)' }] });
    addAttachment(doc, 'md', 'image.png', { 'image/png': PNG }, LOCAL);
    expect(exportHtml(doc)).toContain(`<img src="data:image/png;base64,${PNG}" alt="chart">`);
  });
});

describe('rendering', () => {
  test('a missing attachment shows a placeholder naming it, escaped', () => {
    const html = renderMarkdown('![chart](attachment:gone<b>.png)', {});
    expect(html).toContain('class="attachment-missing"');
    expect(html).toContain('>Missing attachment: gone&#60;b&#62;.png</span>');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<img');
  });

  test('a raw <img src="attachment:…"> (sized, as Jupyter users write it) shows the attachment too', () => {
    const att = { 'image.png': { 'image/png': PNG } };
    const html = renderMarkdown('<img src="attachment:image.png" width="200"> <img src=\'attachment:nope.png\'>', att, { rawHtml: true });
    expect(html).toContain(`<img src="data:image/png;base64,${PNG}" width="200">`);
    expect(html).toContain(`<img src='attachment:nope.png'>`);
    // Without raw HTML the tag is text, as before.
    expect(renderMarkdown('<img src="attachment:image.png">', att)).not.toContain('<img');
  });

  test('an attachment whose data is not an image type never becomes an image, script or link', () => {
    const att = { 'x.png': { 'text/html': '<script>alert(1)</script>' }, 'y.png': { 'image/png': 'not base64!"><script>' } };
    const html = renderMarkdown('![a](attachment:x.png) ![b](attachment:y.png)', att);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html.match(/attachment-missing/g)).toHaveLength(2);
  });
});

describe('AI context', () => {
  test('the model sees attachment names, types and sizes, never their base64', () => {
    const big = Buffer.alloc(300_000, 7).toString('base64');
    const doc = createNotebookDoc({
      cells: [
        { id: 'md', type: 'markdown', source: 'Plot:\n![](attachment:image.png)' },
        { id: 'ai', type: 'ai', source: 'What does the plot show?' },
      ],
    });
    addAttachment(doc, 'md', 'image.png', { 'image/png': big }, LOCAL);
    const ctx = buildContext(doc, 'ai');
    expect(ctx.system).toContain('<attachments>\n- image.png (image/png, 293 KB)\n</attachments>');
    expect(ctx.system).not.toContain(big.slice(0, 64));
    expect(ctx.system.length).toBeLessThan(10_000);
    expect(renderCell(snapshotCell(doc, 'md')!, 0)).not.toContain(big.slice(0, 64));
  });
});
