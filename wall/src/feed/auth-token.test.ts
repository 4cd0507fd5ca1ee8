import { describe, expect, it } from 'vitest';
import { feedSocketUrl, resolveKioskToken } from './auth-token.js';

describe('kiosk token', () => {
  function memoryStorage(): Storage {
    const values = new Map<string, string>();
    return {
      get length() {
        return values.size;
      },
      clear: () => values.clear(),
      getItem: (key) => values.get(key) ?? null,
      key: (index) => Array.from(values.keys())[index] ?? null,
      removeItem: (key) => void values.delete(key),
      setItem: (key, value) => void values.set(key, value),
    };
  }

  it('takes the token from the URL, remembers it, and falls back to the remembered one', () => {
    const storage = memoryStorage();
    expect(resolveKioskToken('', storage)).toBeNull();
    expect(resolveKioskToken('?token=abc&lang=en', storage)).toBe('abc');
    expect(resolveKioskToken('?lang=en', storage)).toBe('abc');
    expect(resolveKioskToken('?token=def', storage)).toBe('def');
  });

  it('builds the socket URL on the page host with the matching scheme', () => {
    expect(feedSocketUrl({ protocol: 'https:', host: 'vigil.example:8443' }, 'a b')).toBe(
      'wss://vigil.example:8443/ws?token=a%20b&positions=binary&protocol=4',
    );
    expect(feedSocketUrl({ protocol: 'http:', host: 'localhost:8080' }, 't')).toBe(
      'ws://localhost:8080/ws?token=t&positions=binary&protocol=4',
    );
  });
});
