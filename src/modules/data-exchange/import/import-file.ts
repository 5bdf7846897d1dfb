import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { DataExchangeError, DataExchangeErrorCode } from '../data-exchange.errors';
import type { ImportRepository } from './import.repository';

/** Bytes per stored part of an uploaded file (well below a document's 16 MB). */
export const FILE_PART_BYTES = 1024 * 1024;

/**
 * Stores an upload as it arrives, part by part (memory holds one part), and checks on the way that
 * it is UTF-8 text: a file in another encoding is refused at upload, not half-imported.
 */
export async function storeUpload(
  repo: ImportRepository,
  importId: string,
  file: AsyncIterable<Buffer>,
  maxBytes: number,
): Promise<{ bytes: number; parts: number }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  let parts = 0;
  const flush = async () => {
    if (!pendingBytes) return;
    await repo.putFilePart(importId, parts++, Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
  };
  for await (const chunk of file) {
    bytes += chunk.length;
    if (bytes > maxBytes) {
      throw new DataExchangeError(DataExchangeErrorCode.IMPORT_TOO_LARGE, `The file is larger than ${maxBytes} bytes.`);
    }
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      throw new DataExchangeError(
        DataExchangeErrorCode.IMPORT_FILE_INVALID,
        'The file is not UTF-8 text (save it as CSV UTF-8).',
      );
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= FILE_PART_BYTES) await flush();
  }
  try {
    decoder.decode();
  } catch {
    throw new DataExchangeError(
      DataExchangeErrorCode.IMPORT_FILE_INVALID,
      'The file is not UTF-8 text (it ends inside a character).',
    );
  }
  await flush();
  return { bytes, parts };
}

/** The stored file as a stream, reading one part at a time as the consumer asks for it. */
export function readUpload(
  repo: ImportRepository,
  importId: string,
  parts: number,
  inTenant: <T>(fn: () => Promise<T>) => Promise<T>,
): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let seq = 0; seq < parts; seq++) {
      const part = await inTenant(() => repo.filePart(importId, seq));
      if (!part) throw new Error(`import ${importId}: file part ${seq} is missing`);
      yield part;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
