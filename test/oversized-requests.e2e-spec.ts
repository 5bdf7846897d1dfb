import { connect } from 'node:net';
import { Role } from '@app/common';
import { newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `raw` over a fresh TCP connection and reads the whole answer until the server closes it. */
function rawRequest(url: string, raw: string): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(raw));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // The server may reset after answering; what it sent before counts.
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') reject(e);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status, headers, body: rest.join('\r\n\r\n') });
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
  });
}

function expectRawProblem(res: RawResponse, status: number, code: string): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
  expect(body.requestId).toEqual(expect.any(String));
  expect(body.type).toBe(`urn:tenant-crm:problem:${code}`);
}

/**
 * A request line or headers over the limits get an answer, as problem+json like every other
 * refusal, instead of a dropped connection or a bare status line: 414 for the URL, 431 for headers.
 */
describe('Oversized request lines and headers', () => {
  let t: TestApp;
  let a: TenantFixture;
  let auth: string;
  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'big');
    auth = `Authorization: Bearer ${a.token(Role.VIEWER)}\r\n`;
  });
  afterAll(() => t.close());

  const get = (target: string, extraHeaders = '') =>
    rawRequest(t.url, `GET ${target} HTTP/1.1\r\nHost: localhost\r\n${auth}${extraHeaders}Connection: close\r\n\r\n`);

  it('answers 414 for a 20 KB search query', async () => {
    const res = await get(`/api/v1/customers?q=${'a'.repeat(20 * 1024)}`);
    expectRawProblem(res, 414, 'request.uri_too_long');
    expect(JSON.parse(res.body).instance).toBe('/api/v1/customers');
  });

  it('answers 431 for 20 KB of headers, and for more than the parser takes at all', async () => {
    expectRawProblem(
      await get('/api/v1/customers', `X-Padding: ${'b'.repeat(20 * 1024)}\r\n`),
      431,
      'request.headers_too_large',
    );
    expectRawProblem(
      await get('/api/v1/customers', `X-Padding: ${'b'.repeat(100 * 1024)}\r\n`),
      431,
      'request.headers_too_large',
    );
    expectRawProblem(await get(`/api/v1/customers?q=${'a'.repeat(100 * 1024)}`), 431, 'request.headers_too_large');
  });

  it('answers a request that is not HTTP with a 400 problem, and still serves normal requests', async () => {
    const garbage = await rawRequest(t.url, 'NOT HTTP AT ALL\r\n\r\n');
    expectRawProblem(garbage, 400, 'request.malformed');
    const ok = await get('/api/v1/customers?q=acme');
    expect(ok.status).toBe(200);
  });
});
