/**
 * Checks the framing of an OSM PBF file as it streams past (the file format of wiki.openstreetmap.org/wiki/PBF_Format:
 * a sequence of [uint32 big-endian length][BlobHeader][Blob]), so that a file which is not one, is cut short or
 * uses a compression the parser cannot read stops with a named error instead of a parser crash or a silent empty
 * result. Only the small BlobHeader and the first bytes of each Blob are looked at.
 */

/** The format's own bounds: a BlobHeader under 64 KiB, a Blob under 32 MiB. */
const HEADER_BYTES_MAX = 64 * 1024;
const BLOB_BYTES_MAX = 32 * 1024 * 1024;
/** Enough of a Blob to see which field carries its data (raw_size comes first, then the data). */
const BLOB_PEEK_BYTES = 16;

export type RoadImportErrorCode =
  | 'file_unreadable'
  | 'not_osm_pbf'
  | 'truncated'
  | 'unsupported_compression'
  | 'corrupt_block'
  | 'no_roads'
  | 'data_dir_unwritable';

export class RoadImportError extends Error {
  constructor(
    readonly code: RoadImportErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'RoadImportError';
  }
}

type Mode = 'size' | 'header' | 'blob';

export class PbfFraming {
  private mode: Mode = 'size';
  private need = 4;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private blobPeek: Buffer[] = [];
  private blobPeekBytes = 0;
  private blobType = '';
  /** Byte offset in the file of the frame being read, for messages. */
  private frameAt = 0;
  private offset = 0;
  blobs = 0;

  /** Consumes the next bytes of the file; throws RoadImportError at the first problem. */
  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(this.need, chunk.length - at);
      const part = chunk.subarray(at, at + take);
      at += take;
      this.offset += take;
      this.need -= take;
      if (this.mode === 'blob') {
        if (this.blobPeekBytes < BLOB_PEEK_BYTES) {
          this.blobPeek.push(part.subarray(0, BLOB_PEEK_BYTES - this.blobPeekBytes));
          this.blobPeekBytes += Math.min(part.length, BLOB_PEEK_BYTES - this.blobPeekBytes);
        }
      } else {
        this.pending.push(part);
        this.pendingBytes += part.length;
      }
      if (this.need === 0) this.step();
    }
  }

  /** At the end of the file: it must end between two frames, and hold at least the header and one block. */
  end(): void {
    if (this.mode !== 'size' || this.need !== 4)
      throw new RoadImportError(
        'truncated',
        `the file ends inside the frame that starts at byte ${this.frameAt} (a download cut short?)`,
      );
    if (this.blobs === 0) throw new RoadImportError('not_osm_pbf', 'the file is empty');
  }

  private step(): void {
    const bytes = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.mode === 'size') {
      const length = bytes.readUInt32BE(0);
      if (length === 0 || length > HEADER_BYTES_MAX)
        throw new RoadImportError(
          'not_osm_pbf',
          `byte ${this.frameAt} should start a PBF frame (a BlobHeader of at most 64 KiB) but announces ${length} bytes: not an OpenStreetMap .osm.pbf file`,
        );
      this.mode = 'header';
      this.need = length;
      return;
    }
    if (this.mode === 'header') {
      const { type, datasize } = readBlobHeader(bytes, this.frameAt);
      if (this.blobs === 0 && type !== 'OSMHeader')
        throw new RoadImportError('not_osm_pbf', `the first block is ${JSON.stringify(type)}, not OSMHeader`);
      if (type !== 'OSMHeader' && type !== 'OSMData')
        throw new RoadImportError(
          'not_osm_pbf',
          `block at byte ${this.frameAt} has unknown type ${JSON.stringify(type)}`,
        );
      if (datasize <= 0 || datasize > BLOB_BYTES_MAX)
        throw new RoadImportError(
          'not_osm_pbf',
          `block at byte ${this.frameAt} announces ${datasize} bytes (max 32 MiB)`,
        );
      this.blobType = type;
      this.mode = 'blob';
      this.need = datasize;
      return;
    }
    checkBlobCompression(Buffer.concat(this.blobPeek, this.blobPeekBytes), this.frameAt, this.blobType);
    this.blobPeek = [];
    this.blobPeekBytes = 0;
    this.blobs++;
    this.mode = 'size';
    this.need = 4;
    this.frameAt = this.offset;
  }
}

function readVarint(bytes: Buffer, at: number, frameAt: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = at; i < bytes.length && shift < 49; i++) {
    value += (bytes[i] & 0x7f) * 2 ** shift;
    shift += 7;
    if ((bytes[i] & 0x80) === 0) return [value, i + 1];
  }
  throw new RoadImportError('not_osm_pbf', `the BlobHeader at byte ${frameAt} is not a protobuf message`);
}

/** BlobHeader: 1 type (string), 2 indexdata (bytes), 3 datasize (int32). */
function readBlobHeader(bytes: Buffer, frameAt: number): { type: string; datasize: number } {
  let at = 0;
  let type: string | undefined;
  let datasize: number | undefined;
  while (at < bytes.length) {
    const [tag, next] = readVarint(bytes, at, frameAt);
    at = next;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const [value, after] = readVarint(bytes, at, frameAt);
      at = after;
      if (field === 3) datasize = value;
    } else if (wire === 2) {
      const [length, after] = readVarint(bytes, at, frameAt);
      if (after + length > bytes.length)
        throw new RoadImportError('not_osm_pbf', `the BlobHeader at byte ${frameAt} is not a protobuf message`);
      if (field === 1) type = bytes.toString('utf8', after, after + length);
      at = after + length;
    } else throw new RoadImportError('not_osm_pbf', `the BlobHeader at byte ${frameAt} is not a protobuf message`);
  }
  if (type === undefined || datasize === undefined)
    throw new RoadImportError('not_osm_pbf', `the BlobHeader at byte ${frameAt} lacks its type or size`);
  return { type, datasize };
}

/** Blob: 1 raw, 2 raw_size, 3 zlib_data, 4 lzma_data, 5 bzip2, 6 lz4, 7 zstd. The parser reads zlib only. */
function checkBlobCompression(peek: Buffer, frameAt: number, type: string): void {
  let at = 0;
  while (at < peek.length) {
    const tag = peek[at];
    const field = tag >> 3;
    if (field === 3 && (tag & 7) === 2) return;
    if (field === 2 && (tag & 7) === 0) {
      at++;
      while (at < peek.length && (peek[at] & 0x80) !== 0) at++;
      at++;
      continue;
    }
    const name = ['', 'uncompressed (raw)', '', '', 'lzma', 'bzip2', 'lz4', 'zstd'][field] ?? `field ${field}`;
    throw new RoadImportError(
      'unsupported_compression',
      `the ${type} block at byte ${frameAt} is ${name}; only zlib-compressed blocks are read (re-export the file with osmium cat -f pbf, which writes zlib)`,
    );
  }
  throw new RoadImportError('not_osm_pbf', `the ${type} block at byte ${frameAt} carries no data`);
}
