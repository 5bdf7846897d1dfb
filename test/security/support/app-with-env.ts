import type * as TestAppModule from '../../support/test-app';

export type TestAppSupport = typeof TestAppModule;

/**
 * Loads the application with extra environment variables. The configuration is validated when
 * AppModule is first imported, so a suite that needs its own limits or timeouts must set them
 * before that import: this helper sets them, then imports the shared e2e helpers. Suites that use
 * it import application code only through the returned module (type-only imports are fine).
 */
export async function loadAppWithEnv(env: Record<string, string>): Promise<TestAppSupport> {
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
  return import('../../support/test-app');
}
