/** Deterministic zip writing and reading (yazl / yauzl), for packaging and the checks on it. */
import { createWriteStream } from 'node:fs';
import { ZipFile } from 'yazl';
import * as yauzl from 'yauzl';

const FIXED_DATE = new Date('1980-01-01T00:00:00Z');

export function writeZip(path: string, entries: Array<{ name: string; data: Buffer | string }>): Promise<void> {
  const zip = new ZipFile();
  for (const e of entries) zip.addBuffer(Buffer.from(e.data), e.name, { mtime: FIXED_DATE, mode: 0o100644 });
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(path)).on('close', () => resolve()).on('error', reject);
  });
}

/** Every entry of a zip with its content. */
export function readZip(path: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${path}`));
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
