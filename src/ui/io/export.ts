/** Exporting the open notebook as a download: .ipynb, a percent-format .py script, or a standalone HTML page. */
import type * as Y from 'yjs';
import { exportHtml, exportIpynb, exportPercentScript, loadMath, readMeta } from '../../model';
import { sanitizeRichText } from '../sanitize';
import { downloadBlob, downloadText, fileNameFor } from './files';
import { notebookBundle } from './bundle';
import { drawChartImages } from './chart-images';

export type ExportFormat = 'ipynb' | 'py' | 'html' | 'zip';

const FORMATS: Record<Exclude<ExportFormat, 'zip'>, { ext: string; mime: string; write: (doc: Y.Doc) => string | Promise<string> }> = {
  ipynb: { ext: '.ipynb', mime: 'application/x-ipynb+json', write: exportIpynb },
  py: { ext: '.py', mime: 'text/x-python', write: exportPercentScript },
  // Charts become static pictures: the page runs no script (model/ipynb/export-html.ts).
  html: { ext: '.html', mime: 'text/html', write: async (doc) => exportHtml(doc, { sanitize: sanitizeRichText, chartImage: await drawChartImages(doc) }) },
};

/** Downloads the notebook in `format`, named after its title; returns the file name. */
export async function downloadNotebook(doc: Y.Doc, format: ExportFormat): Promise<string> {
  if (format === 'zip') {
    const name = fileNameFor(readMeta(doc)?.title ?? 'Untitled', '.zip');
    downloadBlob(await notebookBundle(doc), name);
    return name;
  }
  const f = FORMATS[format];
  const name = fileNameFor(readMeta(doc)?.title ?? 'Untitled', f.ext);
  // KaTeX loads on first use; an export without it would show TeX source. If it cannot load, that is still readable.
  if (format === 'html') await loadMath().catch(() => {});
  downloadText(await f.write(doc), name, `${f.mime};charset=utf-8`);
  return name;
}
