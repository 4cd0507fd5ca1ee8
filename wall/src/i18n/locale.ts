/** The wall speaks Chinese unless the kiosk URL asks for English with `?lang=en`. */
export type Lang = 'zh' | 'en';

export const DEFAULT_LANG: Lang = 'zh';

export function langFromSearch(search: string): Lang {
  return new URLSearchParams(search).get('lang') === 'en' ? 'en' : DEFAULT_LANG;
}
