/** The Files panel's rows: the manifest's flat paths as a tree, folders first, then by name. */
import { parentsOf, type FileEntry } from '../../model';

export interface FileRow {
  path: string;
  name: string;
  depth: number;
  dir: boolean;
  entry: FileEntry | null;
}

/** Rows in display order; folders not in `expanded` hide what is under them. */
export function fileRows(all: Map<string, FileEntry>, expanded: ReadonlySet<string>): FileRow[] {
  const folders = new Set<string>();
  for (const e of all.values()) {
    if (e.dir) folders.add(e.path);
    for (const p of parentsOf(e.path)) folders.add(p);
  }
  const children = new Map<string, Array<{ path: string; dir: boolean }>>();
  const add = (path: string, dir: boolean): void => {
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const list = children.get(parent) ?? [];
    list.push({ path, dir });
    children.set(parent, list);
  };
  for (const f of folders) add(f, true);
  for (const e of all.values()) if (!e.dir) add(e.path, false);
  const rows: FileRow[] = [];
  const visit = (parent: string, depth: number): void => {
    const list = (children.get(parent) ?? []).sort((a, b) =>
      a.dir !== b.dir ? (a.dir ? -1 : 1) : a.path.localeCompare(b.path, undefined, { numeric: true }),
    );
    for (const c of list) {
      rows.push({ path: c.path, name: c.path.slice(c.path.lastIndexOf('/') + 1), depth, dir: c.dir, entry: all.get(c.path) ?? null });
      if (c.dir && expanded.has(c.path)) visit(c.path, depth + 1);
    }
  };
  visit('', 0);
  return rows;
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A Python line that loads a tabular file into pandas, or null for other files. */
export function readerSnippet(path: string): string | null {
  const p = JSON.stringify(path);
  if (/\.(csv|txt)$/i.test(path)) return `import pandas as pd\n\ndf = pd.read_csv(${p})\ndf.head()`;
  if (/\.tsv$/i.test(path)) return `import pandas as pd\n\ndf = pd.read_csv(${p}, sep="\\t")\ndf.head()`;
  if (/\.parquet$/i.test(path)) return `import pandas as pd\n\ndf = pd.read_parquet(${p})\ndf.head()`;
  if (/\.xlsx?$/i.test(path)) return `import pandas as pd\n\ndf = pd.read_excel(${p})\ndf.head()`;
  if (/\.json$/i.test(path)) return `import pandas as pd\n\ndf = pd.read_json(${p})\ndf.head()`;
  return null;
}
