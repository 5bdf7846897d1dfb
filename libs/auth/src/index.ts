export * from './auth.decorators';
export * from './auth.guard';
export * from './auth.module';
export * from './authenticator';
export * from './token.service';
export * from './auth.settings';
export * from './api-keys';
export * from './authenticated';
