/**
 * Yjs deep-freezes JSON content when NODE_ENV is "development" (as under `vite` dev). Objects the agent keeps
 * mutating (tool cards, conversation) must never be the very objects handed to the document.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.NODE_ENV = 'development';
});

import { createNotebookDoc } from '../../src/model';
import { memoryStorage, runAiCell } from '../../src/ai';
import { startMockLlm, type MockLlm } from '../fixtures/mock-llm.mjs';

let llm: MockLlm;
beforeAll(async () => {
  llm = await startMockLlm();
});
afterAll(async () => {
  await llm.close();
});

it('tool calls work with Yjs in development mode (frozen document content)', async () => {
  const doc = createNotebookDoc({ cells: [{ id: 'c1', type: 'code', source: 'x = 1' }, { id: 'ai', type: 'ai', source: 'go' }] });
  llm.script([
    { content: [{ type: 'tool_use', name: 'list_cells', input: {} }] },
    { content: [{ type: 'tool_use', name: 'modify_cell', input: { cell_id: 'c1', source: 'x = 2' } }] },
    { text: 'Done.' },
  ]);
  const result = await runAiCell({
    doc,
    cellId: 'ai',
    settings: { apiKey: 'sk-dev', model: 'm', baseURL: llm.url },
    confirm: async () => 'approve',
    storage: memoryStorage(),
    client: { maxRetries: 0 },
  });
  expect(result).toEqual({ end: 'end_turn', steps: 3 });
});
