/** The signing secret of the test suites (set by jest-setup-env unless AUTH_JWT_SECRET is given). */
export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
