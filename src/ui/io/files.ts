/** Files in and out of the browser: reading a picked or dropped file, and saving text or bytes as a download. */

/** The text of a picked or dropped file, read as UTF-8. */
export function readFileText(file: Blob): Promise<string> {
  return file.text();
}

/**
 * A file name made from a notebook title: characters that file systems refuse are replaced, and an empty title
 * becomes "notebook". `ext` includes its dot (".ipynb").
 */
export function fileNameFor(title: string, ext: string): string {
  // eslint-disable-next-line no-control-regex
  const stem = title.replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, '_').replace(/^[\s.]+|[\s.]+$/g, '').slice(0, 120);
  return `${stem || 'notebook'}${ext}`;
}

/** Saves `data` as a download named `fileName` (Blob + object URL, revoked once the browser has it). */
export function downloadBlob(data: Blob, fileName: string): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL by the time the click returns; a delay keeps slow browsers safe.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves `text` as a download of type `mime`. */
export function downloadText(text: string, fileName: string, mime: string): void {
  downloadBlob(new Blob([text], { type: mime }), fileName);
}

/** The bytes of a base64 string (as nbformat stores PNG and JPEG images). */
export function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64.replace(/\s+/g, ''));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}
