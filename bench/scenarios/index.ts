import type { Scenario } from '../support/scenario';
import { companiesRead } from './companies-read';
import { manyTenants } from './many-tenants';
import { tenancyCost } from './tenancy-cost';

/** Every scenario, in the order a full run takes them. */
export const SCENARIOS: Scenario[] = [companiesRead, tenancyCost, manyTenants];
