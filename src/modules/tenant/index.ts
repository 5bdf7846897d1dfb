export { TenantModule } from './tenant.module';
export { TenantService } from './tenant.service';
