/**
 * Fixtures written straight into the store (emulator/fixtures.ts): setPhase is a status-only write.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from './support';

const t = useEmulator();

describe('fixtures', () => {
  beforeAll(() => {
    t.emu.createJobs('sel-ns', 20, { prefix: 'red', labels: { color: 'red' }, phase: 'Pending' });
  });

  it('setPhase writes status only', async () => {
    const before = t.emu.getJob('sel-ns', 'red-00000')!;
    t.emu.setPhase('sel-ns', 'red-00000', 'Running', '2026-01-01T00:00:00Z');
    const after = t.emu.getJob('sel-ns', 'red-00000')!;
    expect(after.status!.state).toEqual({ lastTransitionTime: '2026-01-01T00:00:00Z', phase: 'Running' });
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
  });
});
