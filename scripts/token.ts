import { JwtService } from '@nestjs/jwt';
import { parseArgs } from 'node:util';
import { readAuthSettings } from '@app/auth';
import { Role } from '@app/common';

/**
 * `npm run token -- --tenant demo --user u1 --role admin [--role member] [--company <id>] [--tenant-uid <uid>] [--expires 12h]`
 * Prints a token signed with AUTH_JWT_SECRET (in development, the secret generated under DATA_DIR).
 * `--role platform` without `--tenant` gives an operator token.
 */
function main(): void {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      user: { type: 'string', default: 'dev-user' },
      role: { type: 'string', multiple: true },
      company: { type: 'string', multiple: true },
      'tenant-uid': { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  const roles = values.role?.length ? values.role : [Role.ADMIN];
  const valid = new Set<string>(Object.values(Role));
  for (const r of roles) if (!valid.has(r)) throw new Error(`Unknown role ${r}; use ${[...valid].join(', ')}`);
  if (!values.tenant && !roles.includes(Role.PLATFORM)) throw new Error('Pass --tenant <slug> (or --role platform).');
  const config = readAuthSettings();
  const jwt = new JwtService({ secret: config.AUTH_JWT_SECRET });
  const payload: Record<string, unknown> = { sub: values.user, roles };
  if (values.tenant) payload.tid = values.tenant;
  if (values.company?.length) payload.companies = values.company;
  // Binds the token to this incarnation of the tenant (GET /api/v1/tenants/<slug> shows its uid).
  if (values['tenant-uid']) payload.tuid = values['tenant-uid'];
  process.stdout.write(
    `${jwt.sign(payload, { algorithm: 'HS256', issuer: config.AUTH_JWT_ISSUER, expiresIn: values.expires as unknown as number })}\n`,
  );
}

try {
  main();
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
