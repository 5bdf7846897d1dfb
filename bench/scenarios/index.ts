import type { Scenario } from '../support/scenario';
import { activities } from './activities';
import { analytics } from './analytics';
import { companiesRead } from './companies-read';
import { customersList } from './customers-list';
import { customersRead } from './customers-read';
import { customersSearch } from './customers-search';
import { dataExchange } from './data-exchange';
import { embeddedScale } from './embedded-scale';
import { manyTenants } from './many-tenants';
import { opportunities } from './opportunities';
import { realtimeFanout } from './realtime-fanout';
import { tenancyCost } from './tenancy-cost';
import { webhookDelivery } from './webhook-delivery';

/** Every scenario, in the order a full run takes them. */
export const SCENARIOS: Scenario[] = [
  companiesRead,
  tenancyCost,
  manyTenants,
  customersRead,
  customersList,
  customersSearch,
  realtimeFanout,
  webhookDelivery,
  embeddedScale,
  activities,
  opportunities,
  analytics,
  dataExchange,
];
