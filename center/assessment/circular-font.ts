/**
 * The CJK font embedded in a circular's PDF. PDF's standard fonts have no Chinese, so a system font is embedded
 * (pdfkit keeps only the glyphs used). `VIGIL_CJK_FONT` (or the configured path) names one: a .ttf/.otf file, or a
 * collection as `file.ttc#PostScriptName`; otherwise the usual Debian fonts are tried in order. None found is
 * `CjkFontMissingError`, answered 503 `cjk_font_missing` with the paths tried, rather than a PDF of empty boxes.
 */
import { existsSync } from 'node:fs';
import { HttpError } from '../http/router.js';

export const CJK_FONT_ENV = 'VIGIL_CJK_FONT';

export interface CjkFont {
  path: string;
  /** The font's PostScript name inside a .ttc collection; absent for a single font file. */
  family?: string;
}

/** Debian's packages: fonts-noto-cjk (sans, then serif), fonts-wqy-microhei, fonts-wqy-zenhei, fonts-arphic-uming. */
export const CJK_FONT_CANDIDATES: readonly CjkFont[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', family: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/truetype/arphic/uming.ttc', family: 'AR-PL-UMing-CN' },
];

export class CjkFontMissingError extends HttpError {
  constructor(tried: readonly string[]) {
    super(
      503,
      'cjk_font_missing',
      `no CJK font to embed in the PDF: none of ${tried.join(', ')} exists; install fonts-noto-cjk or set ${CJK_FONT_ENV}=/path/font.ttf (or file.ttc#PostScriptName)`,
      { tried },
    );
    this.name = 'CjkFontMissingError';
  }
}

function parse(configured: string): CjkFont {
  const hash = configured.lastIndexOf('#');
  return hash > 0 ? { path: configured.slice(0, hash), family: configured.slice(hash + 1) } : { path: configured };
}

/** The configured font when given (and it must then exist), else the first candidate present. */
export function findCjkFont(
  configured: string | undefined = process.env[CJK_FONT_ENV],
  candidates: readonly CjkFont[] = CJK_FONT_CANDIDATES,
  exists: (path: string) => boolean = existsSync,
): CjkFont {
  if (configured !== undefined && configured !== '') {
    const font = parse(configured);
    if (!exists(font.path)) throw new CjkFontMissingError([font.path]);
    return font;
  }
  const found = candidates.find((font) => exists(font.path));
  if (found === undefined) throw new CjkFontMissingError(candidates.map((font) => font.path));
  return found;
}
