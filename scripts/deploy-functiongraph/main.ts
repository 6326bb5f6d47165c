/**
 * `npm run deploy:functiongraph -- [--stage <stage>] [--region <region>] [--dry-run] ...`: the
 * command line around deployFunctionGraph. `main` takes its argv, environment and output streams
 * as arguments and returns the exit code, so tests run it in-process exactly as the CLI runs it.
 */
import { deployFunctionGraph, DeployFailed, type DeployOptions } from './deploy';
import { InputError, parseInputs, usage } from './inputs';
import { formatTable, formatResult } from './report';

export interface Output {
  write(text: string): void;
}

export async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  out: Output,
  err: Output,
  overrides: Omit<DeployOptions, 'inputs' | 'env'> = {},
): Promise<number> {
  let inputs: ReturnType<typeof parseInputs>;
  try {
    inputs = parseInputs(argv, env);
  } catch (e) {
    err.write(`deploy:functiongraph: ${e instanceof InputError ? e.message : String(e)}\n`);
    return 2;
  }
  if (inputs === 'help') {
    out.write(usage());
    return 0;
  }
  try {
    const result = await deployFunctionGraph({ inputs, env, ...overrides });
    out.write(formatResult(result));
    return 0;
  } catch (e) {
    const cause = e instanceof DeployFailed ? e.cause : e;
    if (e instanceof DeployFailed && e.done.length > 0) out.write(`Done before the failure:\n${formatTable(e.done)}\n`);
    // A FunctionGraphRefusal's message is the API's own: operation, HTTP status, error_code, error_msg.
    err.write(`deploy:functiongraph: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, process.stdout, process.stderr).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`deploy:functiongraph: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
