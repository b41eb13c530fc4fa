/**
 * The code cells' language follows the kernel: a Jupyter kernel's kernel_info names it, the executor records it in
 * the document (every peer reads it there), editors load that language's mode, and the .ipynb export names the
 * kernel so Jupyter opens the file with it.
 */
import { describe, expect, it } from 'vitest';
import { LOCAL, createNotebookDoc, exportIpynb, kernelLanguage, readKernel, setKernelPlace, startSession } from '../../src/model';
import { languageOf } from '../../src/kernel/jupyter/kernel';
import { parseMessage } from '../../src/kernel/jupyter/messages';
import { codeLanguage } from '../../src/ui/code-language';

function kernelInfoReply(languageInfo: unknown) {
  const msg = parseMessage(
    JSON.stringify({
      channel: 'shell',
      header: { msg_id: 'r', msg_type: 'kernel_info_reply', session: 's', username: 'u', date: '', version: '5.3' },
      parent_header: { msg_id: 'q', msg_type: 'kernel_info_request' },
      metadata: {},
      content: { status: 'ok', protocol_version: '5.3', language_info: languageInfo },
      buffers: [],
    }),
  );
  expect(msg).not.toBeNull();
  return msg!;
}

const ada = { name: 'Ada', color: '#123456', client: 1 };

describe('the kernel’s language', () => {
  it('is read from kernel_info’s language_info: IRkernel’s string mode, IPython’s mode object, none at all', () => {
    // What Debian's IRkernel and ipykernel answer (checked against both on this machine).
    expect(languageOf(kernelInfoReply({ name: 'R', codemirror_mode: 'r', file_extension: '.r' }))).toEqual({ language: 'R', mode: 'r' });
    expect(languageOf(kernelInfoReply({ name: 'python', codemirror_mode: { name: 'ipython', version: 3 } }))).toEqual({ language: 'python', mode: 'ipython' });
    expect(languageOf(kernelInfoReply({ name: 'julia' }))).toEqual({ language: 'julia' });
    expect(languageOf(kernelInfoReply('garbage'))).toEqual({});
    expect(languageOf(kernelInfoReply({ name: 7, codemirror_mode: ['x'] }))).toEqual({});
  });

  it('names the editor’s language: Python for the browser kernel and Python kernelspecs, the mode otherwise', () => {
    expect(kernelLanguage(undefined)).toBe('python');
    expect(kernelLanguage({ language: 'python', mode: 'ipython' })).toBe('python');
    expect(kernelLanguage({ language: 'R', mode: 'r' })).toBe('r');
    expect(kernelLanguage({ language: 'Julia' })).toBe('julia');
    // Languages with a mode here get it (Python at once, others loaded); the rest are plain text.
    expect([codeLanguage('r').later, codeLanguage('julia').later].every((l) => l !== null)).toBe(true);
    expect(codeLanguage('brainfuck-9000')).toEqual({ now: [], later: null });
  });

  it('loads a language’s mode on first use; Python is there at once; an unknown one is plain text', async () => {
    const py = codeLanguage('python');
    expect(py.later).toBeNull();
    expect(py.now).not.toEqual([]);
    const r = codeLanguage('r');
    expect(r.now).toEqual([]);
    const ext = await r.later!;
    // A StreamLanguage support: its language is named after the legacy mode.
    expect((ext as { name?: string }).name).toBe('r');
    expect(codeLanguage('no-such-language')).toEqual({ now: [], later: null });
  });

  it('is recorded in the document once known, and only a real change is written', () => {
    const doc = createNotebookDoc({ cells: [{ source: 'mean(x)' }] });
    const where = { kind: 'jupyter' as const, kernel: 'ir', host: '127.0.0.1:8888' };
    startSession(doc, 's1', ada, LOCAL, where);
    expect(kernelLanguage(readKernel(doc)?.where)).toBe('python');
    let writes = 0;
    doc.on('update', () => writes++);
    setKernelPlace(doc, 's1', { ...where, language: 'R', mode: 'r' }, LOCAL);
    expect(readKernel(doc)?.where).toEqual({ ...where, language: 'R', mode: 'r' });
    expect(writes).toBe(1);
    setKernelPlace(doc, 's1', { ...where, language: 'R', mode: 'r' }, LOCAL);
    setKernelPlace(doc, 'another-session', { ...where, language: 'julia' }, LOCAL);
    expect(writes).toBe(1);
    expect(kernelLanguage(readKernel(doc)?.where)).toBe('r');
  });

  it('names the kernel in the .ipynb export when it is not Python, and keeps a file’s own kernelspec for Python', () => {
    const doc = createNotebookDoc({ cells: [{ source: 'mean(x)' }] });
    startSession(doc, 's1', ada, LOCAL, { kind: 'jupyter', kernel: 'ir', host: 'h', language: 'R', mode: 'r' });
    const meta = (JSON.parse(exportIpynb(doc)) as { metadata: Record<string, unknown> }).metadata;
    expect(meta['kernelspec']).toEqual({ name: 'ir', display_name: 'ir', language: 'R' });
    expect(meta['language_info']).toEqual({ name: 'R', codemirror_mode: 'r' });
    const py = createNotebookDoc({ cells: [{ source: 'x' }] });
    startSession(py, 's2', ada, LOCAL, { kind: 'jupyter', kernel: 'python3', host: 'h', language: 'python', mode: 'ipython' });
    const pyMeta = (JSON.parse(exportIpynb(py)) as { metadata: { kernelspec: { name: string } } }).metadata;
    expect(pyMeta.kernelspec.name).toBe('python3');
  });
});
