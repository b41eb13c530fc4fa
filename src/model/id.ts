const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random id, 12 base-36 characters (~62 bits): unique enough for cells, runs and notebooks. */
export function newId(length = 12): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let id = '';
  for (const b of bytes) id += ALPHABET[b % 36];
  return id;
}
