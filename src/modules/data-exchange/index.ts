export { DataExchangeModule } from './data-exchange.module';
