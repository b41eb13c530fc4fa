/**
 * An answer split into prose and fenced code blocks, in order, so each code block can carry its own
 * "Insert as code cell" button. The fences are recognised as `codeBlocks` (src/ai) recognises them: the code of
 * the n-th code segment is the n-th code block, and an unclosed last fence (still streaming) runs to the end.
 */
import { codeBlocks, type CodeBlock } from '../../ai';

export type AnswerSegment = { kind: 'prose'; markdown: string } | ({ kind: 'code'; fenced: string } & CodeBlock);

const OPEN = /^ {0,3}(`{3,}|~{3,})/;

export function answerSegments(markdown: string): AnswerSegment[] {
  const blocks = codeBlocks(markdown);
  const lines = markdown.split('\n');
  const out: AnswerSegment[] = [];
  let prose: string[] = [];
  const flushProse = (): void => {
    if (prose.join('').trim()) out.push({ kind: 'prose', markdown: prose.join('\n') });
    prose = [];
  };
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]!);
    const block = open ? blocks[n] : undefined;
    if (!open || !block) {
      prose.push(lines[i]!);
      continue;
    }
    flushProse();
    const fence = open[1]!;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j]!)) j++;
    // The block as written, closed even while streaming, so the renderer shows it as code.
    const fenced = `${lines.slice(i, j).join('\n')}\n${fence}`;
    out.push({ kind: 'code', fenced, ...block });
    n++;
    i = j;
  }
  flushProse();
  return out;
}
