/**
 * Attachment files on disk while they arrive and once whole: `<root>/<terminal>/<alarm number>/<file name>`.
 * Data frames may come in any order and be sent again; each is written at its offset into `<name>.partial`, and
 * the ranges received are kept, so that on 0x1212 the server can name exactly what is missing. A whole file is
 * synced and renamed to its final name before it is reported, so a name that exists is a whole file.
 */
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** A file name a terminal may give: T/JSATL 12 names are `<type>_<channel>_<alarm type>_<serial>_<number>.<ext>`. */
export const ATTACHMENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/;

export function attachmentNameProblem(name: string): string | undefined {
  if (!ATTACHMENT_NAME_PATTERN.test(name) || name.includes('..'))
    return `file name ${JSON.stringify(name)} must be 1-50 letters, digits, "_", "." or "-", without ".."`;
  return undefined;
}

/** Half-open byte ranges, sorted and merged. */
export class ByteRanges {
  private readonly ranges: [number, number][] = [];

  add(start: number, end: number): void {
    if (end <= start) return;
    const merged: [number, number][] = [];
    let placed = false;
    let [s, e] = [start, end];
    for (const [rs, re] of this.ranges) {
      if (re < s) merged.push([rs, re]);
      else if (rs > e) {
        if (!placed) merged.push([s, e]);
        placed = true;
        merged.push([rs, re]);
      } else [s, e] = [Math.min(s, rs), Math.max(e, re)];
    }
    if (!placed) merged.push([s, e]);
    this.ranges.splice(0, this.ranges.length, ...merged);
  }

  /** What of [0, size) is not covered, as offset and length. */
  missing(size: number): { offset: number; length: number }[] {
    const gaps: { offset: number; length: number }[] = [];
    let at = 0;
    for (const [s, e] of this.ranges) {
      if (s >= size) break;
      if (s > at) gaps.push({ offset: at, length: s - at });
      at = Math.max(at, e);
    }
    if (at < size) gaps.push({ offset: at, length: size - at });
    return gaps;
  }
}

export interface IncomingFile {
  name: string;
  fileType: number;
  size: number;
  /** Relative to the data dir's parent of `root` (what media rows and the API name). */
  relativePath: string;
  received: ByteRanges;
}

export class AttachmentFiles {
  private readonly handles = new Map<string, FileHandle>();

  /**
   * @param root   directory of the attachments (under the data dir)
   * @param prefix what `relativePath` starts with (the root's name under the data dir)
   */
  constructor(
    private readonly root: string,
    private readonly prefix: string,
  ) {}

  begin(terminalId: string, alarmNumber: string, name: string, fileType: number, size: number): IncomingFile {
    return {
      name,
      fileType,
      size,
      relativePath: path.join(this.prefix, terminalId, alarmNumber, name),
      received: new ByteRanges(),
    };
  }

  private fullPath(file: IncomingFile): string {
    return path.join(this.root, path.relative(this.prefix, file.relativePath));
  }

  async write(file: IncomingFile, offset: number, data: Buffer): Promise<void> {
    const partial = `${this.fullPath(file)}.partial`;
    const handle = this.handles.get(partial) ?? (await this.openPartial(partial));
    await handle.write(data, 0, data.length, offset);
    file.received.add(offset, offset + data.length);
  }

  private async openPartial(partial: string): Promise<FileHandle> {
    await mkdir(path.dirname(partial), { recursive: true });
    // 'r+' writes at any offset but needs the file to exist; 'a' creates it (and would append every write).
    await (await open(partial, 'a')).close();
    const handle = await open(partial, 'r+');
    this.handles.set(partial, handle);
    return handle;
  }

  /** Syncs and renames a whole file to its final name. */
  async finish(file: IncomingFile): Promise<void> {
    const target = this.fullPath(file);
    const partial = `${target}.partial`;
    const handle = this.handles.get(partial);
    if (handle !== undefined) {
      await handle.truncate(file.size);
      await handle.sync();
      await handle.close();
      this.handles.delete(partial);
    } else {
      // An empty file: nothing was written.
      await mkdir(path.dirname(partial), { recursive: true });
      await (await open(partial, 'w')).close();
    }
    await rename(partial, target);
  }

  /** Closes what a connection left open; its partial files stay for a resend on the next connection. */
  async closeAll(): Promise<void> {
    for (const handle of this.handles.values()) await handle.close();
    this.handles.clear();
  }

  async discard(file: IncomingFile): Promise<void> {
    const partial = `${this.fullPath(file)}.partial`;
    await this.handles.get(partial)?.close();
    this.handles.delete(partial);
    await rm(partial, { force: true });
  }
}
