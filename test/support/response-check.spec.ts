import { ResponseChecker, type CheckedResponse } from './response-check';

const problem = { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const doc = {
  paths: {
    '/api/v1/things': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingPage' } } } },
          '400': problem,
        },
      },
    },
    '/api/v1/things/recent': {
      get: { responses: { '200': { content: { 'application/json': { schema: { type: 'array', items: {} } } } } } },
    },
    '/api/v1/things/{id}': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          '304': { description: 'not modified' },
          '404': problem,
        },
      },
      delete: { responses: { '204': { description: 'gone' } } },
    },
  },
  components: {
    schemas: {
      Problem: {
        type: 'object',
        properties: { status: { type: 'integer' }, code: { type: 'string' } },
        required: ['status', 'code'],
        additionalProperties: false,
      },
      Thing: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          kind: { type: 'string', enum: ['a', 'b'], nullable: true },
          note: { type: 'string', nullable: true },
          owner: { nullable: true, allOf: [{ $ref: '#/components/schemas/Owner' }] },
        },
        required: ['id', 'kind', 'note'],
        additionalProperties: false,
      },
      Owner: { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false },
      ThingPage: {
        type: 'object',
        properties: {
          data: { type: 'array', items: { $ref: '#/components/schemas/Thing' } },
          nextCursor: { type: 'string', nullable: true },
        },
        required: ['data', 'nextCursor'],
        additionalProperties: false,
      },
    },
  },
};

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const PROBLEM_TYPE = { 'content-type': 'application/problem+json; charset=utf-8' };
const thing = { id: 't1', kind: 'a', note: null, owner: null };

function answer(over: Partial<CheckedResponse> & { body?: unknown }): CheckedResponse {
  const { body, ...rest } = over;
  return {
    method: 'GET',
    path: '/api/v1/things/t1',
    status: 200,
    headers: JSON_TYPE,
    text: body === undefined ? '' : JSON.stringify(body),
    ...rest,
  };
}

describe(ResponseChecker.name, () => {
  const sut = new ResponseChecker(doc);

  it('accepts answers that match the document, nullable fields and refs included', () => {
    expect(sut.problems(answer({ body: thing }))).toEqual([]);
    expect(sut.problems(answer({ body: { ...thing, kind: null, note: 'x', owner: { name: 'o' } } }))).toEqual([]);
    expect(sut.problems(answer({ path: '/api/v1/things?limit=1', body: { data: [thing], nextCursor: null } }))).toEqual(
      [],
    );
    expect(sut.problems(answer({ path: '/api/v1/things/recent', body: [] }))).toEqual([]);
    expect(sut.problems(answer({ method: 'DELETE', status: 204, headers: {} }))).toEqual([]);
    expect(sut.problems(answer({ status: 304, headers: {} }))).toEqual([]);
    expect(sut.problems(answer({ status: 404, headers: PROBLEM_TYPE, body: { status: 404, code: 'x' } }))).toEqual([]);
  });

  it('refuses a field the schema does not name, at any depth', () => {
    expect(sut.problems(answer({ body: { ...thing, secret: 1 } }))).toEqual([
      expect.stringMatching(/must NOT have additional properties \(secret\)/),
    ]);
    expect(
      sut.problems(answer({ path: '/api/v1/things', body: { data: [{ ...thing, _id: 'x' }], nextCursor: null } })),
    ).toEqual([expect.stringMatching(/body\/data\/0 must NOT have additional properties \(_id\)/)]);
  });

  it('refuses a wrong type, a missing field, a value outside the enum and an unexpected null', () => {
    expect(sut.problems(answer({ body: { ...thing, id: 7 } }))).toEqual([
      expect.stringMatching(/body\/id must be string/),
    ]);
    expect(sut.problems(answer({ body: { id: 't1', kind: 'a' } }))).toEqual([
      expect.stringMatching(/must have required property 'note'/),
    ]);
    expect(sut.problems(answer({ body: { ...thing, kind: 'c' } })).join()).toMatch(/body\/kind/);
    expect(sut.problems(answer({ body: { ...thing, id: null } })).join()).toMatch(/body\/id must be string/);
  });

  it('refuses a status or a media type the operation does not declare', () => {
    expect(sut.problems(answer({ status: 409, headers: PROBLEM_TYPE, body: { status: 409, code: 'x' } }))).toEqual([
      expect.stringMatching(/status 409 is not documented for GET \/api\/v1\/things\/\{id\}/),
    ]);
    expect(sut.problems(answer({ status: 404, headers: JSON_TYPE, body: { status: 404, code: 'x' } }))).toEqual([
      expect.stringMatching(/content type application\/json is not documented/),
    ]);
    expect(sut.problems(answer({ headers: { 'content-type': 'text/html' }, body: thing }))).toEqual([
      expect.stringMatching(/content type text\/html is not documented/),
    ]);
    expect(sut.problems(answer({ status: 200, headers: JSON_TYPE }))).toEqual([expect.stringMatching(/empty body/)]);
  });

  it('refuses an answer on a route or method the document does not have, unless it is the 404 for it', () => {
    expect(sut.problems(answer({ path: '/api/v1/widgets', body: [] }))).toEqual([
      expect.stringMatching(/no documented operation/),
    ]);
    expect(sut.problems(answer({ method: 'PUT', body: thing }))).toEqual([
      expect.stringMatching(/no documented operation/),
    ]);
    expect(
      sut.problems(
        answer({ path: '/api/v1/widgets', status: 404, headers: PROBLEM_TYPE, body: { status: 404, code: 'x' } }),
      ),
    ).toEqual([]);
  });

  it('leaves paths outside the API alone, and throws with every problem from assert()', () => {
    expect(sut.problems(answer({ path: '/docs', headers: { 'content-type': 'text/html' }, body: '<html>' }))).toEqual(
      [],
    );
    const wrong = answer({ body: { ...thing, id: 7, extra: true } });
    expect(() => sut.assert(wrong)).toThrow(/does not match the OpenAPI document/);
    expect(() => sut.assert(wrong)).toThrow(/body\/id must be string/);
    expect(() => sut.assert(wrong)).toThrow(/\(extra\)/);
    expect(() => sut.assert(answer({ body: thing }))).not.toThrow();
  });
});
