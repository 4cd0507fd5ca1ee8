/**
 * Types of the part of fontkit (pdfkit's font engine: plain JavaScript, no published types) that the circular's
 * PDF uses, and pdfkit's acceptance of a font fontkit opened (pdfkit 0.20 embeds such a font as it is; its
 * published types list only paths and bytes).
 */
declare module 'fontkit' {
  /** An opened font face: what pdfkit lays text out with and embeds a subset of. */
  export interface Font {
    postscriptName: string;
    layout(text: string): unknown;
  }
  /** A collection (.ttc): its faces, found by PostScript name. */
  export interface FontCollection {
    getFont(postscriptName: string): Font | null;
  }
  /**
   * The font in a file's bytes; given a PostScript name, that face of a collection (null when none has it).
   * Throws `Unknown font format` for bytes that are no font.
   */
  export function create(bytes: Uint8Array, postscriptName?: string): Font | FontCollection | null;

  global {
    namespace PDFKit.Mixins {
      interface PDFFont {
        registerFont(name: string, src: Font): this;
      }
    }
  }
}
