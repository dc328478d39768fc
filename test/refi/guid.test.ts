import { describe, expect, it } from 'vitest';
import { guidFor, uuidV5 } from '../../src/refi/guid.js';

describe('name-based GUIDs', () => {
  it('match RFC 9562 version 5 (the DNS namespace vector)', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(uuidV5(dns, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('are stable for a key and differ between keys', () => {
    expect(guidFor('code:1.1')).toBe(guidFor('code:1.1'));
    expect(guidFor('code:1.1')).not.toBe(guidFor('code:1.2'));
    expect(guidFor('code:1.1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
