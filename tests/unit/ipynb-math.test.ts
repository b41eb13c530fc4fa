/**
 * Math in markdown is typeset by KaTeX, which loads on first use: before it has loaded the TeX shows as its
 * escaped source (never as raw markup), the first render starts the load, and a render after it typesets.
 */
import { expect, test } from 'vitest';
import { renderMarkdown } from '../../src/model/ipynb';
import { mathLoaded } from '../../src/model/ipynb/math';

test('math shows as escaped TeX until KaTeX has loaded, then as MathML', async () => {
  const source = 'Area: $x^2 < y$\n\n$$\\frac{a}{b}$$';
  const before = renderMarkdown(source);
  expect(before).not.toContain('<math');
  expect(before).toContain('<span class="math-pending">$x^2 &#60; y$</span>');
  expect(before).toContain('<span class="math-pending">$$\\frac{a}{b}$$</span>');

  await mathLoaded; // the render above started the load: nobody else had to
  const after = renderMarkdown(source);
  expect(after).toContain('<msup><mi>x</mi><mn>2</mn></msup>');
  expect(after).toContain('display="block"');
  expect(after).not.toContain('math-pending');
});

test('markdown without math does not need KaTeX', () => {
  expect(renderMarkdown('# Title\n\nIt costs $5 and $10.')).toBe('<h1>Title</h1>\n<p>It costs $5 and $10.</p>\n');
});
