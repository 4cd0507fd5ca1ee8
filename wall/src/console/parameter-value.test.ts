import { describe, expect, it } from 'vitest';
import { parameterValue } from './parameter-value.js';

describe('parameterValue', () => {
  it('writes numbers of 1, 2 and 4 bytes as numbers', () => {
    expect(parameterValue({ hex: '00000064', dword: 100 })).toBe('100');
    expect(parameterValue({ hex: '1e' })).toBe('30');
    expect(parameterValue({ hex: '0100' })).toBe('256');
  });

  it('writes GBK text as text, without its trailing NULs, and other bytes as hex', () => {
    // 豫A12345 in GBK (D4 A5 is 豫), as terminals send plates (0x0083).
    expect(parameterValue({ hex: 'd4a54131323334350000' })).toBe('豫A12345');
    expect(parameterValue({ hex: '766967696c2e636e' })).toBe('vigil.cn');
    expect(parameterValue({ hex: '0102037f' + '00' })).toBe('0x0102037f00');
  });
});
