/**
 * Media bytes of 0x0801 uploads on disk, under `<data-dir>/media/<terminal>/<media id>.<ext>`, bounded per file
 * and in total. A file is written to a temporary name, synced and renamed, so a reply sent after `store`
 * resolved always names a whole file, and a crash leaves no half-written media under its final name.
 */
import { mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';

/** File extensions of the 0x0800/0x0801 format codes. */
const EXTENSIONS: Record<number, string> = { 0: 'jpg', 1: 'tif', 2: 'mp3', 3: 'wav', 4: 'wmv' };

export type MediaRefusal = 'media_too_large' | 'media_storage_full' | 'media_storage_disabled';

export type MediaStoreResult = { ok: true; relativePath: string } | { ok: false; reason: MediaRefusal; detail: string };

export class MediaStore {
  private bytesOnDisk = 0;
  /** Bytes promised to writes in progress, so concurrent uploads cannot overshoot the total bound together. */
  private bytesReserved = 0;
  private scanned: Promise<void> | undefined;

  constructor(
    private readonly root: string | undefined,
    private readonly bytesPerFileMax: number,
    private readonly bytesTotalMax: number,
  ) {}

  /** Bytes currently kept, for metrics. */
  get bytesStored(): number {
    return this.bytesOnDisk;
  }

  async store(terminalId: string, mediaId: number, format: number, data: Buffer): Promise<MediaStoreResult> {
    if (this.root === undefined)
      return { ok: false, reason: 'media_storage_disabled', detail: 'no media directory is configured' };
    if (data.length > this.bytesPerFileMax) {
      return {
        ok: false,
        reason: 'media_too_large',
        detail: `media of ${data.length} bytes exceeds mediaBytesPerFileMax ${this.bytesPerFileMax}`,
      };
    }
    await (this.scanned ??= this.scan(this.root));
    const relativePath = path.join('media', terminalId, `${mediaId}.${EXTENSIONS[format] ?? 'bin'}`);
    const target = path.join(this.root, '..', relativePath);
    const previousBytes = await sizeOf(target);
    const growth = data.length - previousBytes;
    if (this.bytesOnDisk + this.bytesReserved + growth > this.bytesTotalMax) {
      return {
        ok: false,
        reason: 'media_storage_full',
        detail: `${this.bytesOnDisk} bytes stored, ${data.length} more would exceed mediaBytesTotalMax ${this.bytesTotalMax}`,
      };
    }
    this.bytesReserved += Math.max(0, growth);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.partial`;
      const handle = await open(temporary, 'w');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
      this.bytesOnDisk += growth;
    } finally {
      this.bytesReserved -= Math.max(0, growth);
    }
    return { ok: true, relativePath };
  }

  /** Counts what earlier runs left, so the total bound holds across restarts. */
  private async scan(root: string): Promise<void> {
    await mkdir(root, { recursive: true });
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) this.bytesOnDisk += await sizeOf(full);
      }
    };
    await walk(root);
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
