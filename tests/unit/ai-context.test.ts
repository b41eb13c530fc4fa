import { describe, expect, it } from 'vitest';
import { AI, LOCAL, cellOrder, createNotebookDoc, putFiles, setCellMetadata, startSession, type Output } from '../../src/model';
import {
  AI_STORAGE_KEYS,
  DEFAULT_MODEL,
  allowToolAlways,
  alwaysAllowedTools,
  appendPrompt,
  buildContext,
  codeBlocks,
  diffStats,
  forgetApiKey,
  formatDiff,
  imageSize,
  isAiPrompt,
  lineDiff,
  maskApiKey,
  memoryStorage,
  parsePrompt,
  readAiSettings,
  saveAiSettings,
  summarizeOutput,
  trimHistory,
  truncateMiddle,
  writeAiState,
} from '../../src/ai';

// A real 640×480 PNG header (signature + IHDR), base64, followed by junk: only the header is read.
const PNG_640x480 = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
  Buffer.from([0, 0, 0x02, 0x80, 0, 0, 0x01, 0xe0, 8, 6, 0, 0, 0]),
  Buffer.alloc(5000, 7),
]).toString('base64');

function notebook() {
  return createNotebookDoc({
    title: 'Demo',
    cells: [
      { id: 'c1', type: 'code', source: 'import pandas as pd\ndf = pd.read_csv("x.csv")', executionCount: 1 },
      {
        id: 'c2',
        type: 'code',
        source: 'for i in range(100000): print(i)',
        outputs: [{ output_type: 'stream', name: 'stdout', text: Array.from({ length: 20000 }, (_, i) => `line ${i}`).join('\n') }],
      },
      { id: 'secret', type: 'code', source: 'PASSWORD = "hunter2"', metadata: { hideFromAI: true } },
      {
        id: 'c3',
        type: 'code',
        source: 'plt.plot([1,2,3])',
        outputs: [
          {
            output_type: 'display_data',
            data: { 'image/png': PNG_640x480, 'text/plain': '<Figure size 640x480 with 1 Axes>' },
            metadata: {},
          },
        ],
      },
      {
        id: 'c4',
        type: 'code',
        source: 'df',
        outputs: [
          {
            output_type: 'execute_result',
            execution_count: 4,
            data: { 'text/html': '<table>' + '<tr><td>1</td></tr>'.repeat(700) + '</table>' },
            metadata: {},
          },
        ],
      },
      {
        id: 'c5',
        type: 'code',
        source: '1/0',
        outputs: [
          {
            output_type: 'error',
            ename: 'ZeroDivisionError',
            evalue: 'division by zero',
            traceback: [
              '\x1b[31m---------------------------------------------------------------------------\x1b[0m',
              'Traceback (most recent call last):',
              '  File "<cell>", line 1, in <module>',
              '\x1b[31mZeroDivisionError\x1b[0m: division by zero',
            ],
          },
        ],
      },
      { id: 'ai', type: 'ai', source: 'Why does c5 fail?' },
      { id: 'below', type: 'code', source: 'print("below the AI cell")' },
    ],
  });
}

describe('the context the AI sees', () => {
  it('shows cells above the AI cell with ids and types, not the hidden cell nor cells below', () => {
    const ctx = buildContext(notebook(), 'ai');
    expect(ctx.includedCellIds).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(ctx.hiddenCellIds).toEqual(['secret']);
    expect(ctx.system).toContain('<cell id="c1" type="code" index="0" execution_count="1">');
    expect(ctx.system).toContain('df = pd.read_csv("x.csv")');
    expect(ctx.system).not.toContain('hunter2');
    expect(ctx.system).not.toContain('secret');
    expect(ctx.system).not.toContain('below the AI cell');
    expect(ctx.messages).toEqual([{ role: 'user', content: 'Why does c5 fail?' }]);
  });

  it('lists the notebook’s files by the paths Python opens them with, never their contents', () => {
    const doc = notebook();
    expect(buildContext(doc, 'ai').system).toContain('The notebook has no files');
    putFiles(doc, [{ path: 'data/sales.csv', hash: 'a'.repeat(64), size: 1234, mtime: 1 }], LOCAL);
    const ctx = buildContext(doc, 'ai');
    expect(ctx.system).toContain('data/sales.csv (1234 bytes)');
    expect(ctx.system).toContain("Python's working folder");
  });

  it('truncates long stream output with a visible marker, keeping the end', () => {
    const { system } = buildContext(notebook(), 'ai');
    expect(system).toMatch(/\[… \d+ characters truncated …\]/);
    expect(system).toContain('line 19999');
    expect(system.length).toBeLessThan(20_000);
  });

  it('describes images and large HTML instead of dumping them', () => {
    const { system } = buildContext(notebook(), 'ai');
    expect(system).toContain('[image/png 640×480] <Figure size 640x480 with 1 Axes>');
    expect(system).not.toContain(PNG_640x480.slice(0, 40));
    expect(system).toMatch(/\[HTML table, 1\d KB\]/);
    expect(system).not.toContain('<tr>');
  });

  it('summarises errors as ename: evalue plus the last traceback lines, without colour codes', () => {
    const { system } = buildContext(notebook(), 'ai');
    expect(system).toContain('[error] ZeroDivisionError: division by zero');
    expect(system).toContain('Traceback (last');
    expect(system).not.toContain('\x1b[');
  });

  it('is a pure function of the document: the same doc gives the same context', () => {
    const doc = notebook();
    expect(buildContext(doc, 'ai')).toEqual(buildContext(doc, 'ai'));
  });

  it('keeps the nearest cells when the notebook exceeds the budget', () => {
    const ctx = buildContext(notebook(), 'ai', { budget: { notebookChars: 1500 } });
    expect(ctx.includedCellIds).toContain('c5');
    expect(ctx.includedCellIds).not.toContain('c1');
    expect(ctx.omittedCells).toBeGreaterThan(0);
    expect(ctx.system).toMatch(/\d+ earlier cells? omitted/);
  });

  it('hides a cell as soon as its hideFromAI toggle is set', () => {
    const doc = notebook();
    setCellMetadata(doc, 'c1', 'hideFromAI', true, LOCAL);
    const ctx = buildContext(doc, 'ai');
    expect(ctx.includedCellIds).not.toContain('c1');
    expect(ctx.system).not.toContain('read_csv');
  });

  it('continues the conversation stored in the cell, the new prompt last', () => {
    const doc = notebook();
    writeAiState(
      doc,
      'ai',
      {
        version: 1,
        status: 'done',
        turns: 1,
        conversation: [
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: [{ type: 'text', text: 'first answer' }] },
        ],
      },
      AI,
    );
    const ctx = buildContext(doc, 'ai', { prompt: 'and then?' });
    expect(ctx.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(ctx.messages[2]).toEqual({ role: 'user', content: 'and then?' });
  });

  it('takes the prompt of a %%ai code cell from below the magic line', () => {
    const doc = createNotebookDoc({ cells: [{ id: 'x', type: 'code', source: '%%ai\nPlot a sine wave' }] });
    expect(buildContext(doc, 'x').messages).toEqual([{ role: 'user', content: 'Plot a sine wave' }]);
    expect(cellOrder(doc)).toEqual(['x']);
  });
});

describe('output summaries', () => {
  it('describes images without metadata by reading the PNG header', () => {
    expect(imageSize('image/png', PNG_640x480)).toEqual({ width: 640, height: 480 });
    const out: Output = { output_type: 'display_data', data: { 'image/jpeg': '/9j/AAAA' }, metadata: { 'image/jpeg': { width: 10, height: 20 } } };
    expect(summarizeOutput(out)).toBe('[display] [image/jpeg 10×20]');
  });

  it('shows small HTML without a text alternative as text', () => {
    const out: Output = { output_type: 'display_data', data: { 'text/html': '<b>Hello</b> <i>world</i>' }, metadata: {} };
    expect(summarizeOutput(out)).toBe('[display] Hello world');
  });

  it('truncateMiddle keeps head and tail and says how much was cut', () => {
    const t = truncateMiddle('a'.repeat(50) + 'b'.repeat(50), 30);
    expect(t.startsWith('a'.repeat(10))).toBe(true);
    expect(t.endsWith('b'.repeat(20))).toBe(true);
    expect(t).toContain('[… 70 characters truncated …]');
  });
});

describe('conversation history', () => {
  it('drops whole old turns to fit, never splitting a tool call from its result', () => {
    const big = 'x'.repeat(1000);
    const history = [
      { role: 'user' as const, content: big },
      { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 't1', name: 'list_cells', input: {} }] },
      { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 't1', content: big }] },
      { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'done' }] },
      { role: 'user' as const, content: 'second' },
      { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'ok' }] },
    ];
    const { messages, omittedTurns } = trimHistory(history, 500);
    expect(omittedTurns).toBe(1);
    expect(messages).toEqual(history.slice(4));
  });

  it('merges a prompt into a trailing user message so roles alternate', () => {
    const merged = appendPrompt([{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }] }], 'next');
    expect(merged).toHaveLength(1);
    expect(merged[0]!.content).toEqual([
      { type: 'tool_result', tool_use_id: 't', content: 'r' },
      { type: 'text', text: 'next' },
    ]);
  });
});

describe('line diff', () => {
  it('marks added, removed and kept lines', () => {
    const d = lineDiff('a\nb\nc\nd', 'a\nB\nc\nd\ne');
    expect(d).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'B' },
      { op: ' ', text: 'c' },
      { op: ' ', text: 'd' },
      { op: '+', text: 'e' },
    ]);
    expect(diffStats(d)).toEqual({ added: 2, removed: 1 });
  });

  it('formats hunks with context and elides distant unchanged lines', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const after = before.replace('l2\n', 'L2\n').replace('l17', 'L17');
    expect(formatDiff(lineDiff(before, after), 1)).toBe(['l1', '-l2', '+L2', 'l3', '…', 'l16', '-l17', '+L17', 'l18'].map((l) => (/^[-+]/.test(l) || l === '…' ? l : ' ' + l)).join('\n'));
  });

  it('handles empty sides and identical text', () => {
    expect(lineDiff('', 'x\ny')).toEqual([
      { op: '+', text: 'x' },
      { op: '+', text: 'y' },
    ]);
    expect(formatDiff(lineDiff('same', 'same'))).toBe('');
  });

  it('reproduces both sides and is minimal on random edits', () => {
    let seed = 42;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const lcs = (a: string[], b: string[]): number => {
      const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
      return t[0]![0]!;
    };
    for (let round = 0; round < 300; round++) {
      const a = Array.from({ length: rand(12) }, () => 'abcd'[rand(4)]!);
      const b = Array.from({ length: rand(12) }, () => 'abcd'[rand(4)]!);
      const d = lineDiff(a.join('\n'), b.join('\n'));
      expect(d.filter((l) => l.op !== '+').map((l) => l.text)).toEqual(a);
      expect(d.filter((l) => l.op !== '-').map((l) => l.text)).toEqual(b);
      expect(d.filter((l) => l.op === ' ').length).toBe(lcs(a, b));
    }
  });

  it('stays fast on large cells', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n');
    const b = Array.from({ length: 3000 }, (_, i) => (i % 7 ? `line ${i}` : `changed ${i}`)).join('\n');
    const t = performance.now();
    const d = lineDiff(a, b);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(diffStats(d).added).toBe(429);
  });
});

describe('code blocks of an answer', () => {
  it('extracts fenced blocks with their language, for "insert as code cell"', () => {
    const md = 'Try this:\n\n```python\nimport numpy as np\nprint(np.pi)\n```\n\nor\n~~~\nx = 1\n~~~\n\n```py\nunclosed = True';
    expect(codeBlocks(md)).toEqual([
      { lang: 'python', code: 'import numpy as np\nprint(np.pi)' },
      { lang: '', code: 'x = 1' },
      { lang: 'py', code: 'unclosed = True' },
    ]);
    expect(codeBlocks('````md\n```python\nnested\n```\n````')).toEqual([{ lang: 'md', code: '```python\nnested\n```' }]);
  });
});

describe('prompts', () => {
  it('recognises ai cells and %%ai code cells', () => {
    expect(isAiPrompt('ai', 'anything')).toBe(true);
    expect(isAiPrompt('code', '%%ai\nexplain')).toBe(true);
    expect(isAiPrompt('code', '%%ai claude-haiku-5-5\nexplain')).toBe(true);
    expect(isAiPrompt('code', '%%aix\nexplain')).toBe(false);
    expect(isAiPrompt('code', 'print(1)\n%%ai')).toBe(false);
    expect(isAiPrompt('markdown', '%%ai\nexplain')).toBe(false);
    expect(parsePrompt('code', '%%ai anthropic:claude-haiku-5-5\n  explain this  ')).toEqual({ text: 'explain this', model: 'claude-haiku-5-5' });
    expect(parsePrompt('code', 'print(1)')).toBeNull();
  });
});

describe('settings on this device', () => {
  it('stores key, model and base URL under anode.ai.*, trimmed, and forgets the key', () => {
    const s = memoryStorage();
    expect(readAiSettings(s)).toEqual({ apiKey: null, model: DEFAULT_MODEL, baseURL: null });
    saveAiSettings({ apiKey: ' sk-ant-test-123456789\n', model: 'claude-haiku-5-5', baseURL: 'http://127.0.0.1:4590' }, s);
    expect(s.getItem(AI_STORAGE_KEYS.apiKey)).toBe('sk-ant-test-123456789');
    expect(readAiSettings(s)).toEqual({ apiKey: 'sk-ant-test-123456789', model: 'claude-haiku-5-5', baseURL: 'http://127.0.0.1:4590' });
    saveAiSettings({ model: '', baseURL: null }, s);
    expect(readAiSettings(s).model).toBe(DEFAULT_MODEL);
    expect(readAiSettings(s).baseURL).toBeNull();
    forgetApiKey(s);
    expect(readAiSettings(s).apiKey).toBeNull();
  });

  it('masks the key for display', () => {
    expect(maskApiKey('sk-ant-api03-abcdefghijklmnop-wxyz')).toBe('sk-ant-…wxyz');
    expect(maskApiKey(null)).toBe('');
  });

  it('remembers "always allow" per notebook', () => {
    const s = memoryStorage();
    allowToolAlways('nb1', 'run_cell', s);
    expect([...alwaysAllowedTools('nb1', s)]).toEqual(['run_cell']);
    expect(alwaysAllowedTools('nb2', s).size).toBe(0);
  });
});

describe('the kernel in the system prompt', () => {
  it('says where code runs and in which language: the browser’s Pyodide, a server’s Python, a server’s R', () => {
    const doc = createNotebookDoc({ cells: [{ id: 'a', type: 'ai', source: 'plot x' }] });
    const ada = { name: 'Ada', color: '#123456', client: 1 };
    expect(buildContext(doc, 'a').system).toContain('Python runs in the user\'s browser (Pyodide');
    expect(buildContext(doc, 'a').system).toContain('```python');
    startSession(doc, 's1', ada, LOCAL, { kind: 'jupyter', kernel: 'python3', host: 'gpu.example.org', language: 'python', mode: 'ipython' });
    const py = buildContext(doc, 'a').system;
    expect(py).toContain('"python3" kernel at gpu.example.org, in Python, not in the browser');
    expect(py).not.toContain('Pyodide');
    expect(py).not.toContain('not this kernel\'s variables');
    startSession(doc, 's2', ada, LOCAL, { kind: 'jupyter', kernel: 'ir', host: 'h:8888', language: 'R', mode: 'r' });
    const r = buildContext(doc, 'a').system;
    expect(r).toContain('write code cells in R');
    expect(r).toContain('```r blocks');
    expect(r).not.toContain('```python');
    expect(r).toContain('not this kernel\'s variables');
  });
});
