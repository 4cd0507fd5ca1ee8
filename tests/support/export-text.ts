/**
 * The text of the documents Vigil exports, read the way a reader's software would: a PDF through pdf.js (the CJK
 * font's ToUnicode map included), a DOCX from its word/document.xml, an XLSX through exceljs.
 */
import { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';

/**
 * Every text item of every page of a PDF, pages joined by a line break. pdf.js reads it in a worker thread
 * (pdf-text-worker.mjs says why), so that the polyfills it brings never reach this process's globals.
 */
export function pdfText(bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pdf-text-worker.mjs', import.meta.url), { workerData: new Uint8Array(bytes) });
    worker.once('message', (text: string) => {
      resolve(text);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the PDF text worker exited with code ${code} before answering`)));
  });
}

/** The text of a DOCX's body: every w:t run of word/document.xml, joined. */
export async function docxText(bytes: Buffer): Promise<string> {
  const xml = await (await JSZip.loadAsync(bytes)).file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
}

/** Every sheet of an XLSX as rows of cell texts (formulas and rich text as their shown text). */
export async function xlsxRows(bytes: Buffer): Promise<Map<string, string[][]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheets = new Map<string, string[][]>();
  workbook.eachSheet((sheet) => {
    const rows: string[][] = [];
    sheet.eachRow((row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell) => cells.push(cell.text));
      rows.push(cells);
    });
    sheets.set(sheet.name, rows);
  });
  return sheets;
}
