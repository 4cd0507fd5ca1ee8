/**
 * The circular as a PDF (pdfkit): A4 portrait, the CJK font embedded (subset), tables drawn as ruled cells that
 * continue on the next page with their headers, and the score chart drawn as vector bars, not a picture, so it
 * prints sharp at any size.
 */
import { readFileSync } from 'node:fs';
import { create as openFont, type Font } from 'fontkit';
import PDFDocument from 'pdfkit';
import type { CircularBar, CircularContent, CircularTable } from './circular-content.js';
import type { CjkFont } from './circular-font.js';

type Doc = PDFKit.PDFDocument;

const MARGIN = 56;
const FONT = 'cjk';
const BAR_COLOURS: Record<CircularBar['list'] & string, string> = { red: '#c8102e', black: '#262626' };
const BAR_COLOUR = '#2f6db5';

/**
 * The CJK fonts opened so far, by file and face. Given a path, pdfkit reads the whole file (19 MB for Noto Sans
 * CJK) and parses it again for every document, and its layout tables are decoded again with it: opened once, a
 * circular's PDF takes about 80 ms of CPU instead of 190 (the bytes written are the same). The font stays in memory
 * (the file and the glyphs decoded) once the first circular is written.
 */
const openedFonts = new Map<string, Font>();

/** The font face to embed, opened at its first use; a file that is no font, or a collection without the face, throws. */
export function cjkFontFace(font: CjkFont, read: (path: string) => Uint8Array = readFileSync): Font {
  const key = `${font.path}#${font.family ?? ''}`;
  const known = openedFonts.get(key);
  if (known !== undefined) return known;
  const opened = openFont(read(font.path), font.family);
  if (opened === null || !('layout' in opened))
    throw new Error(
      `${font.path} has no font face ${font.family === undefined ? '(a collection needs its PostScript name: file.ttc#Name)' : font.family}`,
    );
  openedFonts.set(key, opened);
  return opened;
}

function bottom(doc: Doc): number {
  return doc.page.height - MARGIN;
}

function width(doc: Doc): number {
  return doc.page.width - 2 * MARGIN;
}

/** Starts a new page when `height` more points do not fit on this one. */
function room(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

/** A section heading, kept on one page with at least `need` points of what follows it. */
function heading(doc: Doc, text: string, need = 60): void {
  room(doc, need + 30);
  doc
    .moveDown(0.6)
    .fontSize(13)
    .fillColor('#000')
    .text(text, MARGIN, doc.y, { width: width(doc) });
  doc.moveDown(0.3);
}

function table(doc: Doc, t: CircularTable, weights: number[], size: number): void {
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (w / total) * width(doc));
  const pad = 2.5;
  const rowHeight = (cells: string[]): number =>
    Math.max(...cells.map((cell, i) => doc.fontSize(size).heightOfString(cell, { width: widths[i] - 2 * pad }))) +
    2 * pad;
  const drawRow = (cells: string[], header: boolean): void => {
    const h = rowHeight(cells);
    let x = MARGIN;
    const y = doc.y;
    cells.forEach((cell, i) => {
      if (header) doc.rect(x, y, widths[i], h).fill('#e8ecf2');
      doc.rect(x, y, widths[i], h).lineWidth(0.5).stroke('#8c8c8c');
      doc
        .fillColor('#000')
        .fontSize(size)
        .text(cell, x + pad, y + pad, { width: widths[i] - 2 * pad, align: i === 1 || header ? 'center' : 'center' });
      x += widths[i];
    });
    doc.x = MARGIN;
    doc.y = y + h;
  };
  room(doc, rowHeight(t.headers) + 20);
  drawRow(t.headers, true);
  for (const row of t.rows) {
    if (doc.y + rowHeight(row) > bottom(doc)) {
      doc.addPage();
      drawRow(t.headers, true);
    }
    drawRow(row, false);
  }
  doc.moveDown(0.4);
}

/** Horizontal bars, best first: a label column, the 0…100 axis with grid lines every 20 points, the score at the bar's end. */
function chart(doc: Doc, c: CircularContent['chart']): void {
  const barRow = 15;
  const labelWidth = 120;
  const plotWidth = width(doc) - labelWidth - 40;
  const height = c.bars.length * barRow + 50;
  room(doc, Math.min(height, bottom(doc) - MARGIN));
  doc
    .fontSize(10)
    .fillColor('#000')
    .text(c.title, MARGIN, doc.y, { width: width(doc), align: 'center' });
  doc.moveDown(0.4);
  let top = doc.y;
  const x0 = MARGIN + labelWidth;
  const axis = (y: number, rows: number): void => {
    for (let tick = 0; tick <= 100; tick += 20) {
      const x = x0 + (tick / 100) * plotWidth;
      doc
        .moveTo(x, y)
        .lineTo(x, y + rows * barRow)
        .lineWidth(0.4)
        .stroke(tick === 0 ? '#000' : '#d0d0d0');
      doc
        .fontSize(7)
        .fillColor('#595959')
        .text(String(tick), x - 10, y + rows * barRow + 2, { width: 20, align: 'center' });
    }
  };
  let start = 0;
  c.bars.forEach((bar, i) => {
    if (top + (i - start + 1) * barRow > bottom(doc) - 14) {
      axis(top, i - start);
      doc.addPage();
      top = doc.y;
      start = i;
    }
    const y = top + (i - start) * barRow;
    doc
      .fontSize(8)
      .fillColor('#000')
      .text(bar.label, MARGIN, y + 3, { width: labelWidth - 6, align: 'right', lineBreak: false, ellipsis: true });
    if (bar.score !== null) {
      const w = (bar.score / 100) * plotWidth;
      doc.rect(x0, y + 2, Math.max(w, 0.5), barRow - 4).fill(bar.list === null ? BAR_COLOUR : BAR_COLOURS[bar.list]);
      doc
        .fontSize(7.5)
        .fillColor('#000')
        .text(bar.score.toFixed(2), x0 + w + 3, y + 3.5, { width: 40, lineBreak: false });
    } else {
      doc
        .fontSize(7.5)
        .fillColor('#8c8c8c')
        .text('无数据', x0 + 3, y + 3.5, { width: 60, lineBreak: false });
    }
  });
  const rows = c.bars.length - start;
  axis(top, rows);
  doc.x = MARGIN;
  doc.y = top + rows * barRow + 14;
  // The legend: what the colours mean, on one line.
  const legendY = doc.y;
  let x = MARGIN + labelWidth;
  for (const [colour, text] of [
    [BAR_COLOURS.red, '红榜'],
    [BAR_COLOURS.black, '黑榜'],
    [BAR_COLOUR, '其他'],
  ] as const) {
    doc.rect(x, legendY + 2, 10, 7).fill(colour);
    doc
      .fontSize(8)
      .fillColor('#000')
      .text(text, x + 13, legendY, { width: 40, lineBreak: false });
    x += 60;
  }
  doc.y = legendY + 12;
  doc.x = MARGIN;
  doc.moveDown(1);
  if (c.omitted > 0)
    doc
      .fontSize(8)
      .text(`（图中列出前${c.bars.length}名，其余${c.omitted}个见排名表）`, MARGIN, doc.y, { width: width(doc) });
}

export function circularPdf(
  content: CircularContent,
  rulesNote: string,
  font: CjkFont,
  createdAt: number,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    info: {
      Title: content.title,
      Author: content.issuer,
      Subject: content.periodNote,
      Creator: 'Vigil',
      CreationDate: new Date(createdAt),
      ModDate: new Date(createdAt),
    },
    bufferPages: false,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont(FONT, cjkFontFace(font));
  doc.font(FONT);

  doc
    .fontSize(18)
    .fillColor('#c8102e')
    .text(content.title, { align: 'center', width: width(doc) });
  doc.moveDown(0.3).fontSize(9).fillColor('#595959').text(content.periodNote, { align: 'center' });
  doc
    .moveTo(MARGIN, doc.y + 6)
    .lineTo(MARGIN + width(doc), doc.y + 6)
    .lineWidth(1.2)
    .stroke('#c8102e');
  doc.moveDown(1.2).fontSize(12).fillColor('#000').text(content.addressee, MARGIN, doc.y);
  for (const paragraph of content.summary)
    doc
      .moveDown(0.3)
      .fontSize(12)
      .text(paragraph, { indent: 24, lineGap: 4, width: width(doc), align: 'justify' });

  heading(doc, '一、综合得分排名');
  table(doc, content.ranking, [0.7, 2.4, 1, ...content.ranking.headers.slice(3, -1).map(() => 1), 0.9], 7.5);
  if (content.unranked !== null)
    doc
      .fontSize(8)
      .fillColor('#404040')
      .text(content.unranked, MARGIN, doc.y, { width: width(doc), lineGap: 2 });
  doc.moveDown(0.2);
  doc
    .fontSize(8)
    .fillColor('#404040')
    .text(rulesNote, MARGIN, doc.y, { width: width(doc), lineGap: 2 });

  heading(doc, '二、综合得分图', Math.min(content.chart.bars.length * 15 + 70, 400));
  chart(doc, content.chart);

  heading(doc, '三、各项考核指标');
  table(doc, content.indicators, [2.4, ...content.indicators.headers.slice(1).map(() => 1)], 7.5);

  heading(doc, '四、红黑榜');
  for (const list of content.lists) {
    room(doc, 40);
    doc
      .fontSize(12)
      .fillColor(list.kind === 'red' ? '#c8102e' : '#000')
      .text(list.heading, MARGIN, doc.y);
    doc.fillColor('#000');
    for (const line of list.lines) doc.fontSize(11).text(line, { indent: 24, lineGap: 3, width: width(doc) });
    doc.moveDown(0.4);
  }

  room(doc, 110);
  doc.moveDown(3);
  doc.fontSize(12).text(content.signature.issuer, MARGIN, doc.y, { width: width(doc) - 24, align: 'right' });
  doc.moveDown(0.3).text(content.signature.date, { width: width(doc) - 24, align: 'right' });
  doc.end();
  return done;
}
