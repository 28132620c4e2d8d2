import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CellResult, CellSummary, Results } from '../../harness/results/types.js';
import { serviceTable } from '../../harness/report/console-services.js';
import { servicesTable } from '../../harness/report/html/services-table.js';

function results(services: Record<string, Record<string, number>>): Results {
  const cell = (id: string, tracing: 'off' | 'sdk'): CellResult => ({
    id,
    settings:
      tracing === 'off'
        ? { tracing: 'off' }
        : { tracing: 'sdk', sampler: { type: 'always_on' }, processor: { type: 'simple' }, exporter: 'none' },
    collapsed: [],
    trials: [],
    summary: {
      services: Object.fromEntries(
        Object.entries(services[id]).map(([name, cpu]) => [name, { cpuUsPerRequest: cpu, rssPeakBytes: 1 }]),
      ),
      ...(tracing === 'sdk' ? { traces: { requestsSeen: 10, requestsWhole: 9, requestsSplit: 1, broken: 0 } } : {}),
    } as unknown as CellSummary,
  });
  return { cells: [cell('baseline', 'off'), cell('always_on~simple~none', 'sdk')] } as unknown as Results;
}

describe('CPU by service views', () => {
  const multi = results({ baseline: { gateway: 100, db: 50 }, 'always_on~simple~none': { gateway: 150, db: 55 } });

  it('the console table shows each service with its change over the same service in the baseline', () => {
    const text = serviceTable(multi);
    assert.match(text, /gateway/);
    assert.match(text, /150\.0 \(\+50%\)/);
    assert.match(text, /55\.0 \(\+10%\)/);
    assert.match(text, /9\/10/);
  });

  it('the HTML table escapes names and shows the same figures', () => {
    const html = String(
      servicesTable(results({ baseline: { '<b>x': 1, db: 2 }, 'always_on~simple~none': { '<b>x': 2, db: 2 } })),
    );
    assert.doesNotMatch(html, /<b>x/);
    assert.match(html, /&lt;b&gt;x/);
    assert.match(html, /2\.0 \(\+100%\)/);
  });

  it('nothing for a single service', () => {
    const single = results({ baseline: { api: 1 }, 'always_on~simple~none': { api: 2 } });
    assert.equal(serviceTable(single), '');
    assert.equal(servicesTable(single), null);
  });
});
