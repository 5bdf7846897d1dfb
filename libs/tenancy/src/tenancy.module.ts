import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import type { Schema } from 'mongoose';
import { ClsModule } from 'nestjs-cls';
import { AppConfig, requestIdOf } from '@app/common';
import { IsolationProbeRegistry } from './isolation-probe';
import { RecordLock } from './record-lock';
import { TenantConnectionRegistry } from './tenant-connection.registry';
import { TenantContext } from './tenant-context';
import { TenantDirectory } from './tenant-directory';
import { getTenantModelToken, TenantModel } from './tenant-model';
import { TenantRunner } from './tenant-runner';

export interface TenantModelDefinition {
  name: string;
  schema: Schema;
}

const tenantContextFeature = ClsModule.forFeature(TenantContext);

const SHARED = [TenantConnectionRegistry, TenantDirectory, TenantRunner, IsolationProbeRegistry, RecordLock];

@Global()
@Module({})
export class TenancyModule {
  /** The one database connection, the request context and the tenant registry. Import once. */
  static forRoot(): DynamicModule {
    return {
      module: TenancyModule,
      global: true,
      imports: [
        ClsModule.forRoot({
          global: true,
          middleware: { mount: true, generateId: true, idGenerator: requestIdOf },
        }),
        tenantContextFeature,
        MongooseModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<AppConfig, true>) => {
            const uri = config.get('MONGODB_URI', { infer: true });
            if (!uri) throw new Error('MONGODB_URI is not set (npm start sets it to an embedded FerretDB).');
            const timeout = config.get('DB_TIMEOUT_MS', { infer: true });
            return {
              uri,
              autoIndex: false,
              autoCreate: false,
              bufferCommands: false,
              maxPoolSize: config.get('MONGODB_POOL_SIZE', { infer: true }),
              serverSelectionTimeoutMS: timeout,
              connectTimeoutMS: timeout,
              // A hung server must not hold pool connections forever: no single read outlives a request.
              socketTimeoutMS: config.get('REQUEST_TIMEOUT_MS', { infer: true }),
              retryAttempts: 3,
              retryDelay: 1000,
            };
          },
        }),
      ],
      providers: SHARED,
      exports: [...SHARED, tenantContextFeature],
    };
  }

  /** Tenant collections of a feature module, injectable with `@InjectTenantModel(name)`. */
  static forFeature(models: TenantModelDefinition[]): DynamicModule {
    const providers: Provider[] = models.map((m) => ({
      provide: getTenantModelToken(m.name),
      inject: [TenantConnectionRegistry, TenantContext],
      useFactory: (connections: TenantConnectionRegistry, context: TenantContext) => {
        connections.registerSchema(m.name, m.schema);
        return new TenantModel(m.name, connections, context);
      },
    }));
    return { module: TenancyModule, providers, exports: providers };
  }
}
