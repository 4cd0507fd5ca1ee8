/**
 * The tests' reader of exported PDFs (tests/support/export-text.ts) reads the text, and leaves the globals of the
 * process it runs in as they were: test files share their processes (vitest.config.ts), and pdf.js's legacy build
 * replaces some (JSON.stringify, wrapped twice, then recursed without end on a lone surrogate in a later file).
 */
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { pdfText } from './support/export-text.js';

function pdfOf(lines: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    lines.forEach((line, i) => {
      if (i > 0) doc.addPage();
      doc.font('Helvetica').fontSize(14).text(line);
    });
    doc.end();
  });
}

describe("the tests' PDF reader", () => {
  it('reads every page, and leaves JSON and the built-in prototypes of its process as they were', async () => {
    const before = {
      stringify: JSON.stringify,
      parse: JSON.parse,
      iterator: (globalThis as { Iterator?: unknown }).Iterator,
      setUnion: (Set.prototype as { union?: unknown }).union,
      withResolvers: (Promise as { withResolvers?: unknown }).withResolvers,
    };
    const text = await pdfText(await pdfOf(['Weekly circular of Zhengzhou', 'Page two: 17 work orders overdue']));
    expect(text.split('\n')).toEqual(['Weekly circular of Zhengzhou', 'Page two: 17 work orders overdue']);
    expect({
      stringify: JSON.stringify,
      parse: JSON.parse,
      iterator: (globalThis as { Iterator?: unknown }).Iterator,
      setUnion: (Set.prototype as { union?: unknown }).union,
      withResolvers: (Promise as { withResolvers?: unknown }).withResolvers,
    }).toEqual(before);
    expect(JSON.stringify('\ud800')).toBe('"\\ud800"');
  });
});
