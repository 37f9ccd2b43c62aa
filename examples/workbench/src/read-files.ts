/**
 * Reading the user's files in the worker: chunk by chunk from the File's stream into one buffer of
 * the declared size, reporting progress, so that a large file shows how far it got.
 *
 * @module
 */
import type { InputFile } from './protocol.js';

/** Called with the fraction read so far (over all files) and a line for the page. */
export type ReadProgress = (fraction: number, text: string) => void;

/** Human size: 1.2 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** Reads every file's bytes; progress goes from 0 to `share` of the job. */
export async function readAll(
  files: readonly InputFile[],
  progress: ReadProgress,
  share = 0.2,
): Promise<Map<string, Uint8Array>> {
  const total = files.reduce((a, f) => a + f.file.size, 0) || 1;
  let done = 0;
  const out = new Map<string, Uint8Array>();
  for (const { path, file } of files) {
    const bytes = new Uint8Array(file.size);
    const reader = file.stream().getReader();
    let at = 0;
    for (;;) {
      const { done: end, value } = await reader.read();
      if (end) break;
      // A file that grew while being read keeps its first size bytes.
      const take = Math.min(value.length, bytes.length - at);
      bytes.set(value.subarray(0, take), at);
      at += take;
      done += value.length;
      progress(
        (share * Math.min(done, total)) / total,
        `reading ${path} (${formatBytes(at)} of ${formatBytes(file.size)})`,
      );
    }
    out.set(path, at === bytes.length ? bytes : bytes.subarray(0, at));
  }
  return out;
}

/** The file name at the end of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Lower-case extension without the dot ("" when none). */
export function extension(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}
