import { MODULE_METADATA } from '@nestjs/common/constants';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CustomerModule } from '../customer/customer.module';
import { LeadModule } from './lead.module';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe(LeadModule.name, () => {
  it('reaches the Customer module only through its module and exported service', () => {
    const imports = Reflect.getMetadata(MODULE_METADATA.IMPORTS, LeadModule) as unknown[];
    expect(imports).toContain(CustomerModule);

    const allowed = [
      /^customer\.service$/,
      /^customer\.enums$/,
      /^customer\.module$/,
      /^dto\/[a-z-]+\.dto$/,
      /^dto\/customer\.response$/,
    ];
    const crossings: string[] = [];
    for (const file of sourceFiles(__dirname)) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '\.\.\/customer\/([^']+)'/g)) {
        if (!allowed.some((re) => re.test(spec))) crossings.push(`${relative(__dirname, file)} → customer/${spec}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('never touches the customers collection or schema', () => {
    for (const file of sourceFiles(__dirname)) {
      const text = readFileSync(file, 'utf8');
      expect({
        file: relative(__dirname, file),
        schema: /customer\/schemas|CustomerSchema|'customers'/.test(text),
      }).toEqual({
        file: relative(__dirname, file),
        schema: false,
      });
    }
  });
});
