/** Unit specs beside the code; e2e suites in test/ against a real FerretDB (or MONGODB_URI). */
const moduleNameMapper = {
  '^@app/(tenancy|auth|common|testing)$': '<rootDir>/libs/$1/src',
  '^@app/(tenancy|auth|common|testing)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  moduleNameMapper,
  setupFiles: ['<rootDir>/libs/testing/src/jest-setup-env.ts'],
};

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
        '<rootDir>/test/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/jest-global-teardown.ts',
    },
  ],
};
