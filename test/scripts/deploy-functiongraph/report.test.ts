/** The printed result: an aligned table, a count per action, and the invoke URLs (or why there is none yet). */
import { describe, expect, it } from 'vitest';
import type { DeployResult } from '../../../scripts/deploy-functiongraph/deploy';
import { formatResult, formatTable } from '../../../scripts/deploy-functiongraph/report';

const RESULT: DeployResult = {
  stage: 'dev',
  region: 'cn-north-4',
  dryRun: false,
  rows: [
    { function: 'svc-dev-getJob', resource: 'function', action: 'updated', detail: 'code, user_data' },
    { function: 'svc-dev-getJob', resource: 'APIG GET /x', action: 'unchanged', detail: '' },
    { function: 'svc-dev-sweepJobs', resource: 'function', action: 'created', detail: 'Node.js20.15, 256 MB, 120 s' },
  ],
  invokeUrls: [{ function: 'svc-dev-getJob', method: 'GET', path: '/x', url: 'https://g.apig/x' }],
};

describe('formatTable', () => {
  it('aligns the columns under a header', () => {
    const lines = formatTable(RESULT.rows).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^function\s+resource\s+action\s+detail$/);
    const col = lines[0]!.indexOf('action');
    for (const l of lines.slice(2)) expect(l.slice(col)).toMatch(/^(updated|unchanged|created)/);
    expect(lines[2]).toMatch(/updated\s+code, user_data$/);
  });
});

describe('formatResult', () => {
  it('says what was deployed where, counts each action and lists the invoke URLs', () => {
    const text = formatResult(RESULT);
    expect(text).toMatch(/^Deployed stage dev to FunctionGraph in cn-north-4/);
    expect(text).toContain('1 updated, 1 unchanged, 1 created');
    expect(text).toMatch(/Invoke URLs:\n\s+GET\s+svc-dev-getJob\s+https:\/\/g\.apig\/x/);
  });

  it('a dry run says nothing was changed; a route without a URL yet says so', () => {
    const text = formatResult({ ...RESULT, dryRun: true, invokeUrls: [{ function: 'svc-dev-getJob', method: 'GET', path: '/x' }] });
    expect(text).toMatch(/^Dry run: plan for stage dev in cn-north-4 \(nothing was changed\)/);
    expect(text).toContain('(/x: no invoke URL yet)');
  });

  it('without HTTP functions there is no invoke URL section', () => {
    expect(formatResult({ ...RESULT, invokeUrls: [] })).not.toContain('Invoke URLs');
  });
});
