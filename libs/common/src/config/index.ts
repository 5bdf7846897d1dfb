export * from './app.settings';
export * from './settings';
