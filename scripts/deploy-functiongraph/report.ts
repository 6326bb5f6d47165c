/**
 * The deploy's printed answer: one table row per function and per trigger saying what was created,
 * updated or left alone (or, on a dry run, what would be), then each HTTP route's invoke URL.
 * Built from names and field names only, never from variable values, so no secret is printed.
 */
import type { DeployResult, ReportRow } from './deploy';

export function formatTable(rows: ReportRow[]): string {
  const header = { function: 'function', resource: 'resource', action: 'action', detail: 'detail' };
  const all = [header, ...rows];
  const width = (k: keyof typeof header): number => Math.max(...all.map((r) => r[k].length));
  const w = { function: width('function'), resource: width('resource'), action: width('action'), detail: width('detail') };
  const line = (r: typeof header): string =>
    `${r.function.padEnd(w.function)}  ${r.resource.padEnd(w.resource)}  ${r.action.padEnd(w.action)}  ${r.detail}`.trimEnd();
  return [line(header), line({ function: '-'.repeat(w.function), resource: '-'.repeat(w.resource), action: '-'.repeat(w.action), detail: '-'.repeat(w.detail) }), ...rows.map(line)].join('\n') + '\n';
}

export function formatResult(result: DeployResult): string {
  const head = result.dryRun
    ? `Dry run: plan for stage ${result.stage} in ${result.region} (nothing was changed)\n\n`
    : `Deployed stage ${result.stage} to FunctionGraph in ${result.region}\n\n`;
  const counts = new Map<string, number>();
  for (const r of result.rows) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  const summary = [...counts].map(([a, n]) => `${n} ${a}`).join(', ');
  const fnWidth = Math.max(0, ...result.invokeUrls.map((u) => u.function.length));
  const urls = result.invokeUrls.map((u) => `  ${u.method.padEnd(6)} ${u.function.padEnd(fnWidth)}  ${u.url ?? `(${u.path}: no invoke URL yet)`}`);
  return head + formatTable(result.rows) + `\n${summary}\n` + (urls.length > 0 ? `\nInvoke URLs:\n${urls.join('\n')}\n` : '');
}
