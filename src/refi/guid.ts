import { createHash } from 'node:crypto';

/** The namespace of every GUID dtors writes (a random UUID, fixed once). */
const NAMESPACE = Buffer.from('c450c59d11e9474d96dc397a2d7b3cfe', 'hex');

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of namespace and name) for a stable key such as
 * `code:1.2`. The same project gives the same GUIDs on every export, so re-exports are byte-identical
 * and another program sees the same objects again.
 */
export function guidFor(key: string): string {
  return uuidV5(NAMESPACE, key);
}

export function uuidV5(namespace: Uint8Array, name: string): string {
  const h = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
