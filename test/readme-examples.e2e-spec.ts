import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Role } from '@app/common';
import { platformToken, tokenFor } from '@app/testing';
import { as, startTestApp, TestApp } from './support/test-app';

const run = promisify(execFile);

/** Variables the README asks the reader to paste (what `npm start` prints); everything else it must compute. */
const PASTED = ['TOKEN', 'PLATFORM'];

interface ScriptLine {
  /** 1-based line of README.md. */
  readmeLine: number;
  text: string;
}

/** The ```bash blocks of the README that call the API, in order, line by line. */
function exampleLines(readme: string): ScriptLine[] {
  const lines = readme.split('\n');
  const out: ScriptLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```bash') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    const block = lines.slice(start, end);
    if (block.some((l) => l.includes('$API'))) {
      block.forEach((text, k) => out.push({ readmeLine: start + k + 1, text }));
    }
    i = end;
  }
  return out;
}

/** The comment part of a shell line (after a `#` that follows whitespace, outside quotes in practice). */
function comment(text: string): string {
  const m = /(^|\s)#(.*)$/.exec(text);
  return m ? m[2] : '';
}

/**
 * The README's examples, run as a reader would: every ```bash block that calls `$API`, top to bottom in
 * one shell, with real curl and jq, against the app on a fresh tenant `demo` with one company (what
 * `npm start` provisions), with only the two tokens `npm start` prints pasted in. Every answer must be
 * 2xx unless the comment on the command's last line names its status (`# 409 ...`).
 */
describe('README examples, top to bottom', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp();
    dir = await mkdtemp(join(tmpdir(), 'readme-'));
    const platform = as(t, platformToken());
    for (const slug of ['demo', 'acme']) await platform.delete(`/api/v1/tenants/${slug}?confirm=${slug}`);
    await platform.post('/api/v1/tenants').send({ slug: 'demo', name: 'Demo tenant' }).expect(201);
    await as(t, demoToken()).post('/api/v1/companies').send({ name: 'Demo Company' }).expect(201);
  });
  afterAll(async () => {
    const platform = as(t, platformToken());
    for (const slug of ['demo', 'acme']) await platform.delete(`/api/v1/tenants/${slug}?confirm=${slug}`);
    await rm(dir, { recursive: true, force: true });
    await t.close();
  });

  const demoToken = () => tokenFor({ tenant: 'demo', roles: [Role.ADMIN], user: 'demo-admin' });

  it('every example that calls the API runs in order and answers what it says', async () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const lines = exampleLines(readme);
    expect(lines.length).toBeGreaterThan(50);

    const script: ScriptLine[] = [];
    const problems: string[] = [];
    for (const line of lines) {
      const pasted = /^\s*(?:export\s+)?([A-Z_]+)=<[^>]*>/.exec(line.text);
      if (pasted) {
        if (!PASTED.includes(pasted[1])) problems.push(`README:${line.readmeLine} asks to paste ${pasted[1]}`);
        script.push({ ...line, text: `: # ${pasted[1]} is given` });
        continue;
      }
      const code = line.text.replace(/(^|\s)#.*$/, '');
      if (/<[a-z][^>]*>/i.test(code)) problems.push(`README:${line.readmeLine} has a placeholder: ${line.text.trim()}`);
      script.push({ ...line, text: line.text.replaceAll('http://localhost:3000', t.url) });
    }
    expect(problems).toEqual([]);

    const statusLog = join(dir, 'statuses');
    const prelude = [
      'curl() {',
      '  local out',
      `  out=$(command curl -sS -w $'\\n%{http_code}' "$@")`,
      `  printf '%s\\t%s\\n' "\${BASH_LINENO[0]}" "\${out##*$'\\n'}" >> "$STATUS_LOG"`,
      `  printf '%s\\n' "\${out%$'\\n'*}"`,
      '}',
    ];
    const file = join(dir, 'readme.sh');
    await writeFile(file, [...prelude, ...script.map((l) => l.text)].join('\n') + '\n');
    const { stderr } = await run('bash', [file], {
      // In the scratch directory, as a reader's shell would be: files the examples write stay out of the checkout.
      cwd: dir,
      env: { PATH: process.env.PATH, TOKEN: demoToken(), PLATFORM: platformToken(), STATUS_LOG: statusLog },
      timeout: 120_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    expect(stderr).toBe('');

    /** Comments of the whole command around script line `i` (bash reports one of its lines). */
    const commentsAround = (i: number): string => {
      const continued = (k: number) => script[k]?.text.trimEnd().endsWith('\\');
      let start = i;
      while (start > 0 && continued(start - 1)) start--;
      let end = i;
      while (end < script.length - 1 && continued(end)) end++;
      return script
        .slice(start, end + 1)
        .map((l) => comment(l.text))
        .join(' ');
    };
    const calls = (await readFile(statusLog, 'utf8'))
      .trim()
      .split('\n')
      .map((row) => {
        const [lineNo, status] = row.split('\t');
        const index = Number(lineNo) - prelude.length - 1;
        return { index, line: script[index], status: Number(status) };
      });
    const unexpected = calls
      .filter(({ index, status }) => {
        if (status >= 200 && status < 300) return false;
        return !new RegExp(`\\b${status}\\b`).test(commentsAround(index));
      })
      .map(({ line, status }) => `README:${line?.readmeLine} answered ${status}: ${line?.text.trim()}`);
    expect(unexpected).toEqual([]);
    // Every curl of the examples ran (a shell error part-way would leave some out); a polling loop (the import's
    // `until ... do sleep`) may run its line more than once.
    const written = script.filter((l) => /\bcurl\b/.test(l.text.replace(/(^|\s)#.*$/, ''))).length;
    expect(new Set(calls.map((c) => c.index)).size).toBe(written);
  }, 180_000);
});
