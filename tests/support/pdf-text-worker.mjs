/**
 * A PDF's text, read by pdf.js in a thread of its own (tests/support/export-text.ts starts it). pdf.js's legacy build,
 * the one that runs on Node 20, carries two copies of core-js that install their polyfills over the globals of
 * whatever loads them — JSON.stringify among them, which two copies wrapping each other turn into an endless
 * recursion for some strings. Test files share their processes (vitest.config.ts), so those globals would reach every
 * later file of the process; a worker thread's globals are its own and end with it.
 */
import { parentPort, workerData } from 'node:worker_threads';

const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
const doc = await pdfjs.getDocument({ data: workerData, useSystemFonts: false }).promise;
const pages = [];
for (let i = 1; i <= doc.numPages; i++) {
  const content = await (await doc.getPage(i)).getTextContent();
  pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
}
await doc.destroy();
parentPort.postMessage(pages.join('\n'));
