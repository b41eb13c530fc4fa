/**
 * The reader's one failure: a message for the user naming what is wrong and where. Thrown inside the reader to
 * unwind from deep validation, and always caught by `parseIpynb`, which returns it as a value.
 */
export class InvalidNotebook extends Error {
  override readonly name = 'InvalidNotebook';
}

export function invalid(message: string): never {
  throw new InvalidNotebook(message);
}
