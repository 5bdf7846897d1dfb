export { RealtimeModule } from './realtime.module';
export { installRealtimeAdapter } from './realtime-io.adapter';
