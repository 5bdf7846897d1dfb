/**
 * Everything the process writes to stdout and stderr, including pino's direct `fs.write` calls on
 * fd 1/2 (sonic-boom bypasses process.stdout), captured instead of printed.
 */
export interface LogCapture {
  text(): string;
  restore(): void;
}

type FsModule = typeof import('node:fs');
type WriteFn = (...args: unknown[]) => unknown;

export function captureLogs(): LogCapture {
  const fs = jest.requireActual<FsModule>('fs') as unknown as Record<'write' | 'writeSync', WriteFn>;
  const chunks: string[] = [];
  const record = (data: unknown): void => {
    chunks.push(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
  };
  const realWrite = fs.write;
  const realWriteSync = fs.writeSync;
  fs.writeSync = (fd: unknown, data: unknown, ...rest: unknown[]) => {
    if (fd === 1 || fd === 2) {
      record(data);
      return Buffer.byteLength(Buffer.isBuffer(data) ? data : String(data));
    }
    return realWriteSync(fd, data, ...rest);
  };
  fs.write = (fd: unknown, data: unknown, ...rest: unknown[]) => {
    if (fd === 1 || fd === 2) {
      record(data);
      const callback = rest.find((r): r is (e: null, n: number) => void => typeof r === 'function');
      const n = Buffer.byteLength(Buffer.isBuffer(data) ? data : String(data));
      if (callback) process.nextTick(() => callback(null, n));
      return undefined;
    }
    return realWrite(fd, data, ...rest);
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((data: string | Uint8Array) => {
    record(Buffer.from(data));
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((data: string | Uint8Array) => {
    record(Buffer.from(data));
    return true;
  });
  return {
    text: () => chunks.join(''),
    restore: () => {
      fs.write = realWrite;
      fs.writeSync = realWriteSync;
      out.mockRestore();
      err.mockRestore();
    },
  };
}
