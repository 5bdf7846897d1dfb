import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import type { Connection, Schema } from 'mongoose';
import { ClsModule } from 'nestjs-cls';
import { appSettings, requestIdOf, type Settings } from '@app/common';
import { IDEMPOTENCY_RECORD, IdempotencyRecordSchema } from './idempotency/idempotency-record.schema';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { IdempotencySweep } from './idempotency/idempotency.sweep';
import { DomainEventCatalog } from './domain-event';
import { Failpoints } from './failpoints';
import { ExpiredLeaseSweep } from './expired-lease.sweep';
import { LeaseClaims } from './lease-claims';
import { Outbox, OUTBOX_MODEL, OutboxEntrySchema, OutboxRecoveryTask } from './outbox';
import { IsolationProbeRegistry } from './isolation-probe';
import { TenantMaintenance } from './maintenance';
import { PurgeHooks } from './purge-hooks';
import { queryDeadlinePlugin } from './query-deadline';
import { RecordLock } from './record-lock';
import { tenancySettings } from './tenancy.settings';
import { TenantConnectionRegistry } from './tenant-connection.registry';
import { TenantContext } from './tenant-context';
import { TenantDirectory } from './tenant-directory';
import { TenantMigrations } from './tenant-migrations';
import { getTenantModelToken, TenantModel } from './tenant-model';
import { TenantRunner } from './tenant-runner';
import { TenantSets } from './tenant-sets';
import { VersionedWriter } from './versioned-writer';

export interface TenantModelDefinition {
  name: string;
  schema: Schema;
}

const tenantContextFeature = ClsModule.forFeature(TenantContext);
const settingsFeatures = [ConfigModule.forFeature(tenancySettings), ConfigModule.forFeature(appSettings)];

function tenantModelProvider(m: TenantModelDefinition): Provider {
  return {
    provide: getTenantModelToken(m.name),
    inject: [TenantConnectionRegistry, TenantContext],
    useFactory: (connections: TenantConnectionRegistry, context: TenantContext) => {
      connections.registerSchema(m.name, m.schema);
      return new TenantModel(m.name, connections, context);
    },
  };
}

/** Tenant collections of the platform itself: Idempotency-Key records and the event outbox. */
const idempotencyModel = tenantModelProvider({ name: IDEMPOTENCY_RECORD, schema: IdempotencyRecordSchema });
const outboxModel = tenantModelProvider({ name: OUTBOX_MODEL, schema: OutboxEntrySchema });

const SHARED = [
  TenantConnectionRegistry,
  TenantDirectory,
  TenantRunner,
  IsolationProbeRegistry,
  RecordLock,
  VersionedWriter,
  TenantMaintenance,
  PurgeHooks,
  TenantMigrations,
  DomainEventCatalog,
  IdempotencyStore,
  IdempotencyInterceptor,
  Outbox,
  Failpoints,
  LeaseClaims,
  TenantSets,
];

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
        DiscoveryModule,
        ...settingsFeatures,
        MongooseModule.forRootAsync({
          imports: settingsFeatures,
          inject: [tenancySettings.KEY, appSettings.KEY],
          useFactory: (config: Settings<typeof tenancySettings>, app: Settings<typeof appSettings>) => {
            const uri = config.MONGODB_URI;
            if (!uri) throw new Error('MONGODB_URI is not set (npm start sets it to an embedded FerretDB).');
            const timeout = config.DB_TIMEOUT_MS;
            return {
              uri,
              autoIndex: false,
              autoCreate: false,
              bufferCommands: false,
              maxPoolSize: config.MONGODB_POOL_SIZE,
              serverSelectionTimeoutMS: timeout,
              connectTimeoutMS: timeout,
              // A hung server must not hold pool connections forever: no single read outlives a request.
              socketTimeoutMS: app.REQUEST_TIMEOUT_MS,
              retryAttempts: 3,
              retryDelay: 1000,
              // Registry reads carry the request's remaining time too (tenant handles: see the registry).
              connectionFactory: (connection: Connection) => connection.plugin(queryDeadlinePlugin),
            };
          },
        }),
      ],
      providers: [...SHARED, idempotencyModel, outboxModel, IdempotencySweep, OutboxRecoveryTask, ExpiredLeaseSweep],
      exports: [...SHARED, tenantContextFeature, DiscoveryModule, ...settingsFeatures],
    };
  }

  /** Tenant collections of a feature module, injectable with `@InjectTenantModel(name)`. */
  static forFeature(models: TenantModelDefinition[]): DynamicModule {
    const providers = models.map(tenantModelProvider);
    return { module: TenancyModule, providers, exports: providers };
  }
}
