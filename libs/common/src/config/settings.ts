import { type ConfigType, registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/** A string of digits from the environment as a number; anything else is left for the validator to refuse. */
export const EnvInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
  );

/** `true`/`false` (any case) from the environment as a boolean. */
export const EnvBool = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^(true|false)$/i.test(value.trim()) ? value.trim().toLowerCase() === 'true' : value,
  );

/**
 * Reads one settings class from the environment: only the variables the class declares (a field with a
 * default, or listed in `optional`), empty strings treated as unset, validated with its decorators. Throws
 * one error naming every bad variable. This and `defineSettings` are the only readers of `process.env`.
 */
export function loadSettings<T extends object>(
  cls: new () => T,
  raw: Record<string, unknown> = process.env,
  optional: readonly string[] = [],
): T {
  const picked: Record<string, unknown> = {};
  for (const key of [...Object.keys(new cls()), ...optional]) {
    const value = raw[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const settings = plainToInstance(cls, picked);
  const errors = validateSync(settings, { whitelist: true, forbidUnknownValues: true });
  if (errors.length) {
    const lines = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `  - ${e.property}: ${m}`));
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return settings;
}

/**
 * A module's own settings: a class of validated environment variables, registered under a namespace
 * with `ConfigModule.forFeature(x)` and injected as `@Inject(x.KEY) settings: ConfigType<typeof x>`.
 * `finish` derives what the class alone cannot (a generated development secret, say).
 */
export function defineSettings<T extends object, R extends object = Readonly<T>>(
  namespace: string,
  cls: new () => T,
  opts: { optional?: readonly string[]; finish?: (settings: T) => R } = {},
) {
  return registerAs(namespace, (): R => {
    const settings = loadSettings(cls, process.env, opts.optional);
    return opts.finish ? opts.finish(settings) : (settings as unknown as R);
  });
}

export type Settings<F extends (...args: never[]) => unknown> = ConfigType<F>;
