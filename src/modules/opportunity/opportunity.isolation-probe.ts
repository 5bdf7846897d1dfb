import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { expectHidden, type IsolationCheck, type IsolationProbe, IsolationProbeProvider } from '@app/tenancy';
import { CompanyService } from '../company';
import { CustomerService } from '../customer';
import type { OpportunityResponse } from './dto/opportunity.response';
import type { PipelineResponse } from './dto/pipeline.dto';
import { OpportunityForecastService } from './opportunity-forecast.service';
import { OpportunityService } from './opportunity.service';
import { PipelineService } from './pipeline.service';

interface OpportunityFixture {
  companyId: string;
  customerId: string;
  pipeline: PipelineResponse;
  deal: OpportunityResponse;
}

/**
 * Tenant B must not read, list, search, forecast, change, move, close, reopen or delete a deal of
 * tenant A, nor read or change A's pipeline. Planted in a probe company of its own, erased with no trace.
 */
@IsolationProbeProvider()
@Injectable()
export class OpportunityIsolationProbe implements IsolationProbe<OpportunityFixture> {
  readonly kind = 'opportunity';

  constructor(
    private readonly companies: CompanyService,
    private readonly customers: CustomerService,
    private readonly pipelines: PipelineService,
    private readonly deals: OpportunityService,
    private readonly forecasts: OpportunityForecastService,
  ) {}

  async plant(): Promise<OpportunityFixture> {
    const company = await this.companies.create({ name: `Isolation probe deals ${randomUUID().slice(0, 8)}` });
    let customerId: string | undefined;
    let pipeline: PipelineResponse | undefined;
    try {
      customerId = (await this.customers.create({ companyId: company.id, name: 'Probe deal customer' })).id;
      pipeline = await this.pipelines.create({
        name: 'Isolation probe',
        stages: [{ key: 'probe', name: 'Probe', probability: 50 }],
      });
      const deal = await this.deals.create({ customerId, name: 'Probe deal', amount: 10, pipelineId: pipeline.id });
      return { companyId: company.id, customerId, pipeline, deal };
    } catch (e) {
      await this.cleanup({ companyId: company.id, customerId, pipeline } as OpportunityFixture);
      throw e;
    }
  }

  async attack(f: OpportunityFixture): Promise<IsolationCheck[]> {
    const id = f.deal.id;
    const mine = (list: OpportunityResponse[]) => list.filter((d) => d.id === id);
    return Promise.all([
      expectHidden('opportunity get from tenant B', () => this.deals.get(id)),
      expectHidden('opportunity list from tenant B', async () => mine((await this.deals.list({ limit: 100 })).data)),
      expectHidden('opportunity search from tenant B', async () => mine((await this.deals.list({ q: 'probe' })).data)),
      expectHidden('opportunity list by customer from tenant B', async () =>
        mine((await this.deals.list({ customerId: f.customerId })).data),
      ),
      expectHidden('forecast of the pipeline from tenant B', () =>
        this.forecasts.forecast({ pipelineId: f.pipeline.id }),
      ),
      expectHidden('opportunity update from tenant B', () => this.deals.update(id, { name: 'hijacked' })),
      expectHidden('opportunity stage from tenant B', () => this.deals.setStage(id, 'probe')),
      expectHidden('opportunity won from tenant B', () => this.deals.win(id, {})),
      expectHidden('opportunity lost from tenant B', () => this.deals.lose(id, 'intruder')),
      expectHidden('opportunity reopen from tenant B', () => this.deals.reopen(id)),
      expectHidden('opportunity delete from tenant B', () => this.deals.remove(id)),
      expectHidden('pipeline get from tenant B', () => this.pipelines.get(f.pipeline.id)),
      expectHidden('pipeline update from tenant B', () => this.pipelines.update(f.pipeline.id, { name: 'hijacked' })),
    ]);
  }

  async verify(f: OpportunityFixture): Promise<IsolationCheck[]> {
    const deal = await this.deals.get(f.deal.id);
    const pipeline = await this.pipelines.get(f.pipeline.id);
    const same = deal.version === f.deal.version && pipeline.version === f.pipeline.version;
    return [
      { name: 'opportunity and pipeline unchanged in tenant A', passed: same, detail: same ? 'intact' : 'changed' },
    ];
  }

  async cleanup(f: OpportunityFixture): Promise<void> {
    if (f.deal) await this.deals.erase(f.deal, { leaveNoTrace: true });
    if (f.customerId) await this.customers.erase(f.customerId, { leaveNoTrace: true });
    if (f.pipeline) await this.pipelines.erase(f.pipeline.id, { leaveNoTrace: true });
    await this.companies.remove(f.companyId, { leaveNoTrace: true });
  }
}
