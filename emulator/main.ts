/**
 * CLI: `npm run emulator` / `tsx emulator/main.ts [--log] [--no-seed] [--tls]`.
 * Listens on EMULATOR_PORT (default 8790) / EMULATOR_HOST (default 127.0.0.1), serves IAM and CCI
 * on the same base URL, and stays up until SIGINT/SIGTERM.
 */
import { DEFAULT_AKSK, DEFAULT_BEARER_TOKENS, DEFAULT_PROJECTS, DEFAULT_STATIC_TOKENS, DEFAULT_USERS, startEmulator } from './index';

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  if (args.has('--help') || args.has('-h')) {
    process.stdout.write(
      'usage: tsx emulator/main.ts [--log] [--no-seed] [--tls]\n' +
        '  --tls: HTTPS with the test certificates of emulator/fixtures/tls (trust server-ca.pem)\n' +
        '  EMULATOR_PORT (default 8790), EMULATOR_HOST (default 127.0.0.1)\n' +
        '  control interface: /_emulator/{faults,stats,reset-stats,tokens/revoke,tokens/expire,tokens/mint,jobs/bulk,jobs/{ns}/{name}/phase,continue/expire,requests,podgroups/...,smn/messages} (emulator/README.md)\n',
    );
    return;
  }
  const portRaw = process.env['EMULATOR_PORT'];
  const port = portRaw !== undefined && portRaw !== '' ? Number(portRaw) : 8790;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`EMULATOR_PORT is not a port: ${portRaw}`);
  const host = process.env['EMULATOR_HOST'] || '127.0.0.1';
  const emu = await startEmulator({ port, host, log: args.has('--log'), seed: !args.has('--no-seed'), tls: args.has('--tls') });
  const u = DEFAULT_USERS[0]!;
  const k = DEFAULT_AKSK[0]!;
  process.stdout.write(
    `CCI/IAM emulator listening on ${emu.url}  ` +
      `(IAM_ENDPOINT=${emu.url} CCI_ENDPOINT=${emu.url} IAM_DOMAIN=${u.domain} IAM_USER=${u.user} IAM_PASSWORD=${u.password} ` +
      `IAM_PROJECT=${DEFAULT_PROJECTS[0]} | CCI_TOKEN=${DEFAULT_STATIC_TOKENS[0]} | CCI_ACCESS_KEY=${k.accessKey} CCI_SECRET_KEY=${k.secretKey} | ` +
      `KUBE_TOKEN=${DEFAULT_BEARER_TOKENS[0]}${emu.caCert ? ` KUBE_CA_CERT=<emulator/fixtures/tls/server-ca.pem>` : ''})\n`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[emulator] ${signal}: shutting down\n`);
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`[emulator] failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
