// Runs before every test file, before any application module is imported (config is read then).
import { TEST_JWT_SECRET } from './test-secret';

process.env.NODE_ENV = 'test';
process.env.AUTH_JWT_SECRET ??= TEST_JWT_SECRET;
process.env.LOG_LEVEL ??= 'silent';
process.env.TENANT_CACHE_TTL_MS ??= '1000';
// Suites' webhook receivers listen on 127.0.0.1 over plain HTTP; one suite proves the refusal with this off.
process.env.WEBHOOK_ALLOW_PRIVATE ??= 'true';
// No background delivery rounds: suites drive them (pollTenant/pollAll), or set an interval themselves.
process.env.WEBHOOK_POLL_INTERVAL_MS ??= '0';
