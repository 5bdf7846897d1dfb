// Lints the committed OpenAPI document (openapi/openapi.json) in `npm run lint`: Spectral's OpenAPI
// rules and the OWASP API Security Top 10 (2023) rules, with these deliberate departures.
import owasp from '@stoplight/spectral-owasp-ruleset';
import { defined, truthy, undefined as undefined_ } from '@stoplight/spectral-functions';
import { oas } from '@stoplight/spectral-rulesets';

const owaspRule = (name) => owasp.rules[name];
// What the API accepts: request bodies (with their referenced schemas) and parameters.
const inputs = (type) => [
  `$.paths[*][*].requestBody..[?(@ && @.type=="${type}")]`,
  `$.paths[*][*].parameters[*].schema[?(@ && @.type=="${type}")]`,
];

/** Every operation answers success with a body schema, or 204 with none. */
function successSchema(op) {
  const ok = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
  const documented = ok.some(
    ([status, res]) => status === '204' || Object.values(res.content ?? {}).some((media) => media.schema),
  );
  return documented ? [] : [{ message: 'Operation has no 2xx response with a schema (or a 204).' }];
}

export default {
  extends: [
    [oas, 'recommended'],
    [owasp, 'recommended'],
  ],
  rules: {
    // The project's own contract rules: what a typed client and Swagger UI need from every operation.
    'crm-operation-summary': {
      description: 'Every operation has a summary (Swagger UI lists operations by it).',
      severity: 'error',
      given: '$.paths[*][get,put,post,patch,delete]',
      then: { field: 'summary', function: truthy },
    },
    'crm-success-schema': {
      description: 'Every operation declares its success body (typed clients read it).',
      severity: 'error',
      given: '$.paths[*][get,put,post,patch,delete]',
      then: { function: successSchema },
    },
    'crm-request-body-example': {
      description: 'Every request body carries an example (shown by Swagger UI, checked by oas3-valid-media-example).',
      severity: 'error',
      given: '$.paths[*][*].requestBody.content[*]',
      then: { field: 'example', function: defined },
    },
    'crm-no-default-in-request-body': {
      description:
        'openapi-typescript types a body property with a default as required: say the default in its description.',
      severity: 'error',
      given: '$.paths[*][*].requestBody..properties[*]',
      then: { field: 'default', function: undefined_ },
    },
    'crm-problem-json': {
      description: 'Errors are sent as application/problem+json and declared so.',
      severity: 'error',
      given: '$.paths[*][*].responses[?(@property >= 400)].content',
      then: { field: 'application/problem+json', function: defined },
    },
    // Limits guard what the API accepts; response values are written by the API itself.
    'owasp:api4:2023-string-limit': { ...owaspRule('owasp:api4:2023-string-limit'), given: inputs('string') },
    'owasp:api4:2023-array-limit': { ...owaspRule('owasp:api4:2023-array-limit'), given: inputs('array') },
    'owasp:api4:2023-integer-limit': { ...owaspRule('owasp:api4:2023-integer-limit'), given: inputs('integer') },
    // Free text (names, notes, search terms) has no pattern to state; string-limit bounds its length.
    'owasp:api4:2023-string-restricted': 'off',
    // Bounded maps (audit changes) are allowed; constrained-additionalProperties requires their maxProperties.
    'owasp:api3:2023-no-additionalProperties': 'off',
    // The server entry is the deployment's PUBLIC_URL; the committed copy names a local http://localhost one.
    'owasp:api8:2023-no-server-http': 'off',
  },
  overrides: [
    {
      // Health checks are public on purpose: load balancers and orchestrators probe them without a token.
      files: ['**/openapi.json#/paths/~1health', '**/openapi.json#/paths/~1health~1ready'],
      rules: {
        'owasp:api2:2023-read-restricted': 'off',
        'owasp:api8:2023-define-error-responses-401': 'off',
      },
    },
  ],
};
