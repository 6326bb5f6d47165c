/**
 * Label selectors as apimachinery parses them (emulator/selector.ts), over HTTP lists: empty and
 * comma-padded value sets, and the Gt / Lt operators.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../emulator/selector';
import { cci, jobsUrl, useEmulator } from './support';

const t = useEmulator();
const names = async (sel: string): Promise<string[]> => {
  const r = await cci('GET', jobsUrl('sel2-ns', undefined, 'labelSelector=' + encodeURIComponent(sel)));
  expect(r.status, sel).toBe(200);
  return r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name);
};

describe('label selectors', () => {
  beforeAll(() => {
    t.emu.createJobs('sel2-ns', 1, { prefix: 'web', labels: { app: 'web', size: '3' } });
    t.emu.createJobs('sel2-ns', 1, { prefix: 'empty', labels: { app: '', size: '10' } });
    t.emu.createJobs('sel2-ns', 1, { prefix: 'db', labels: { app: 'db' } });
    t.emu.createJobs('sel2-ns', 1, { prefix: 'none' });
  });

  it('"app in ()" is the set {""}; "app notin ()" matches all but app=""', async () => {
    expect(parseLabelSelector('app in ()')).toEqual([{ key: 'app', op: 'in', values: [''] }]);
    expect(await names('app in ()')).toEqual(['empty-00000']);
    expect(await names('app notin ()')).toEqual(['db-00000', 'none-00000', 'web-00000']);
  });

  it('"app in (web,)" is {web, ""}; leading and doubled commas add "" too', async () => {
    expect(parseLabelSelector('app in (web,)')[0]!.values).toEqual(['web', '']);
    expect(parseLabelSelector('app in (,web)')[0]!.values).toEqual(['', 'web']);
    expect(parseLabelSelector('app in (web,,db)')[0]!.values).toEqual(['web', '', 'db']);
    expect(await names('app in (web,)')).toEqual(['empty-00000', 'web-00000']);
  });

  it('Gt and Lt compare integers', async () => {
    expect(await names('size>5')).toEqual(['empty-00000']);
    expect(await names('size<5')).toEqual(['web-00000']);
    const bad = await cci('GET', jobsUrl('sel2-ns', undefined, 'labelSelector=' + encodeURIComponent('size>x')));
    expect(bad.status).toBe(400);
  });

  it('unbalanced or misplaced tokens are still 400', async () => {
    for (const sel of ['app in (web', 'app in web', 'app in (web db)']) {
      expect((await cci('GET', jobsUrl('sel2-ns', undefined, 'labelSelector=' + encodeURIComponent(sel)))).status, sel).toBe(400);
    }
  });
});
