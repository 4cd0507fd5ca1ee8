/**
 * Evidence files for a work-order step, read in the browser and sent base64 in the step's JSON body. The server
 * takes at most `ATTACHMENTS_PER_STEP_MAX` files of `ATTACHMENT_BYTES_MAX` each, and refuses a request body over
 * 1 MiB, so the console keeps a step's files under `STEP_BYTES_MAX` together. Photos from phones are far larger
 * than that: they are scaled down and re-encoded as JPEG until they fit, which keeps what a supervisor needs to
 * see. Other files must fit as they are; the officer is told which one does not.
 */

export const ATTACHMENT_BYTES_MAX = 512 * 1024;
export const ATTACHMENTS_PER_STEP_MAX = 5;
/** Raw bytes of a step's files together: base64 (4/3) plus the JSON around it stays under the 1 MiB body bound. */
export const STEP_BYTES_MAX = 700 * 1024;
/** A photo is shrunk until it is at most this large, so two or three fit in one step. */
const PHOTO_BYTES_TARGET = 230 * 1024;
/** Longest side of a shrunk photo, tried in turn until it fits. */
const PHOTO_SIDES_PX = [1920, 1600, 1280, 1024, 800] as const;
const PHOTO_QUALITIES = [0.82, 0.7, 0.6] as const;
const SHRINKABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/bmp']);

export interface PreparedAttachment {
  name: string;
  content_type: string;
  data_base64: string;
  size_bytes: number;
  /** The photo was scaled down to fit. */
  shrunk: boolean;
}

export type PrepareOutcome = { ok: true; file: PreparedAttachment } | { ok: false; name: string };

function base64Of(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes);
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < view.length; i += chunk) binary += String.fromCharCode(...view.subarray(i, i + chunk));
  return btoa(binary);
}

async function shrinkPhoto(file: File): Promise<Blob | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  try {
    for (const side of PHOTO_SIDES_PX) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      const g = canvas.getContext('2d');
      if (g === null) return null;
      g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      for (const quality of PHOTO_QUALITIES) {
        const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
        if (blob !== null && blob.size <= PHOTO_BYTES_TARGET) return blob;
      }
    }
    return null;
  } finally {
    bitmap.close();
  }
}

/** Reads one chosen file, shrinking a photo that is too large; refuses other files over the bound. */
export async function prepareAttachment(file: File): Promise<PrepareOutcome> {
  if (file.size <= PHOTO_BYTES_TARGET || (!SHRINKABLE.has(file.type) && file.size <= ATTACHMENT_BYTES_MAX)) {
    return {
      ok: true,
      file: {
        name: file.name,
        content_type: file.type || 'application/octet-stream',
        data_base64: base64Of(await file.arrayBuffer()),
        size_bytes: file.size,
        shrunk: false,
      },
    };
  }
  if (!SHRINKABLE.has(file.type)) return { ok: false, name: file.name };
  const shrunk = await shrinkPhoto(file);
  if (shrunk === null) return { ok: false, name: file.name };
  return {
    ok: true,
    file: {
      name: file.name.replace(/\.[^.]+$/, '') + '.jpg',
      content_type: 'image/jpeg',
      data_base64: base64Of(await shrunk.arrayBuffer()),
      size_bytes: shrunk.size,
      shrunk: true,
    },
  };
}

export function stepBytes(files: readonly PreparedAttachment[]): number {
  return files.reduce((sum, f) => sum + f.size_bytes, 0);
}
