/**
 * `npm run call -- METHOD PATH [BODY] [--type CONTENT_TYPE] [--curl]`
 * Sends a webhook request to the local stack, signed as the contract says, and prints the answer
 * (or, with --curl, a ready-to-run curl line). Honours WEBHOOK_SECRET, HTTP_PORT and BASE_URL.
 */
import { signedPath, signWebhook } from '../lib/http/webhook-signature';
import { LOCAL } from './local-config';

function usage(): never {
  process.stderr.write("usage: npm run call -- METHOD PATH [BODY] [--type CONTENT_TYPE] [--curl]\n  e.g. npm run call -- GET /namespaces/ns/jobs/name\n");
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const curl = args.includes('--curl');
  const typeAt = args.indexOf('--type');
  const contentType = typeAt >= 0 ? args[typeAt + 1] : undefined;
  const positional = args.filter((a, i) => a !== '--curl' && a !== '--type' && (typeAt < 0 || i !== typeAt + 1));
  const [methodArg, target, body = ''] = positional;
  if (!methodArg || !target || !target.startsWith('/')) usage();
  const method = methodArg.toUpperCase();
  const url = new URL(target, process.env.BASE_URL ?? `http://localhost:${LOCAL.httpPort}`);
  const routePath = decodeURIComponent(url.pathname);
  const headers: Record<string, string> = {
    ...signWebhook(LOCAL.webhookSecret, method, signedPath(routePath, [...url.searchParams]), body),
  };
  if (body) headers['content-type'] = contentType ?? 'application/json';
  if (curl) {
    const h = Object.entries(headers).map(([k, v]) => `-H '${k}: ${v}'`).join(' ');
    process.stdout.write(`curl -sS -X ${method} ${h}${body ? ` --data '${body.replace(/'/g, "'\\''")}'` : ''} '${url.href}'\n`);
    process.stdout.write('# the signature is valid for 5 minutes\n');
    return;
  }
  const res = await fetch(url, { method, headers, body: body || undefined });
  const text = await res.text();
  process.stdout.write(`HTTP ${res.status} ${res.headers.get('content-type') ?? ''}\n`);
  try {
    process.stdout.write(JSON.stringify(JSON.parse(text), null, 2) + '\n');
  } catch {
    process.stdout.write(text + '\n');
  }
  if (res.status >= 400) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`call failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
