import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { afterAll, describe, expect, it } from 'vitest';
import type { AssessmentFigures, AssessmentUnit } from '../../schema/index.js';
import { CONFIG_DEFAULTS } from '../config/center-config.js';
import { findCjkFont } from './circular-font.js';
import { circularPdf, cjkFontFace } from './circular-pdf.js';
import { ASSESSMENT_INDICATORS } from './indicators.js';
import { rankUnits } from './scoring.js';
import { zhengzhouCircular } from './circular.test-data.js';

const RULES = CONFIG_DEFAULTS.assessment_scoring;

function unit(code: string, name: string, value: number): AssessmentUnit {
  const figures = Object.fromEntries(
    ASSESSMENT_INDICATORS.map((i) => [i.id, { value, numerator: value, denominator: 1 }]),
  ) as AssessmentFigures;
  return {
    org_code: code,
    enterprise_id: null,
    name,
    level: 'county',
    directly_administered: false,
    view_only: false,
    figures,
  };
}

/** A city's circular over three counties, each name drawn with its own glyphs. */
function content(names: string[]) {
  return zhengzhouCircular(
    rankUnits(
      names.map((name, i) => unit(String(410102 + i), name, 0.6 + i / 10)),
      ASSESSMENT_INDICATORS,
      RULES,
    ),
  );
}

describe('the CJK font of a circular’s PDF', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-circular-font-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is read and opened once, and the documents written with it are the same byte for byte', async () => {
    const font = findCjkFont();
    let reads = 0;
    const read = (file: string): Uint8Array => {
      reads++;
      return readFileSync(file);
    };
    // A file name of its own, so that no earlier document opened it.
    const copy = { ...font, path: path.join(dir, path.basename(font.path)) };
    symlinkSync(font.path, copy.path);
    const face = cjkFontFace(copy, read);
    expect(cjkFontFace(copy, read)).toBe(face);
    expect(reads).toBe(1);
    if (font.family !== undefined) expect(face.postscriptName).toBe(font.family);

    const first = content(['中原区', '二七区', '金水区']);
    const a = await circularPdf(first, '评分规则', copy, Date.UTC(2026, 11, 1));
    const b = await circularPdf(first, '评分规则', copy, Date.UTC(2026, 11, 1));
    expect(b.equals(a)).toBe(true);
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    // Another document between them, with glyphs the first one had not used, leaves the first one's bytes alone.
    const other = await circularPdf(content(['巩义市', '荥阳市', '新密市']), '评分规则', copy, Date.UTC(2026, 11, 1));
    expect(other.equals(a)).toBe(false);
    expect((await circularPdf(first, '评分规则', copy, Date.UTC(2026, 11, 1))).equals(a)).toBe(true);
    expect(reads).toBe(1);
  });

  it('embeds the same font as pdfkit opening the file itself would', async () => {
    const font = findCjkFont();
    const page = async (register: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> => {
      const doc = new PDFDocument({ info: { CreationDate: new Date(0), ModDate: new Date(0) } });
      const chunks: Buffer[] = [];
      const done = new Promise<Buffer>((resolve) => {
        doc.on('data', (chunk: Buffer) => chunks.push(chunk));
        doc.on('end', () => resolve(Buffer.concat(chunks)));
      });
      register(doc);
      doc.font('cjk').fontSize(12).text('郑州市交通运输局关于重点营运车辆动态监控工作情况的通报 410105 金水区');
      doc.end();
      return done;
    };
    const byPath = await page((doc) =>
      font.family === undefined ? doc.registerFont('cjk', font.path) : doc.registerFont('cjk', font.path, font.family),
    );
    const byFace = await page((doc) => doc.registerFont('cjk', cjkFontFace(font)));
    expect(byFace.equals(byPath)).toBe(true);
  });

  it('refuses a file that is no font and a collection without the face named, and opens it once it is right', () => {
    const junk = path.join(dir, 'not-a-font.ttf');
    writeFileSync(junk, 'not a font');
    expect(() => cjkFontFace({ path: junk })).toThrow(/Unknown font format/);
    const font = findCjkFont();
    if (font.family === undefined) return;
    expect(() => cjkFontFace({ path: font.path, family: 'NoSuchFace-Regular' })).toThrow(
      `${font.path} has no font face NoSuchFace-Regular`,
    );
    expect(() => cjkFontFace({ path: font.path })).toThrow(/a collection needs its PostScript name/);
    expect(cjkFontFace(font).postscriptName).toBe(font.family);
  });
});
