/**
 * The `numts` command: `numts demo`, `verify`, `decompose`, `pll eval`, `multilabel eval`,
 * `peft inspect`. Every subcommand has `--help`. A command's module (and the numerical packages it
 * needs) is loaded only when that command runs, so `--help` and `--version` start at once.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, EXIT_USAGE } from './cli-error.js';
import {
  DECOMPOSE_HELP,
  DEMO_HELP,
  HELP,
  MULTILABEL_HELP,
  PEFT_HELP,
  PLL_HELP,
  VERIFY_HELP,
} from './help.js';

export { CliError } from './cli-error.js';

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
type Values = Record<string, string | boolean | string[] | undefined>;

function parse(
  args: string[],
  options: OptionSpec,
  usage: string,
): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({
      args,
      options: {
        ...options,
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_USAGE, usage.split('\n')[0]);
  }
}

/** The version of this package, from its package.json (one level above src/ and dist/). */
export function version(): string {
  return (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
}

function help(text: string): number {
  console.log(text);
  return 0;
}

function subcommand(command: string, positional: string | undefined, expected: string): void {
  if (positional !== expected)
    throw new CliError(
      `${command}: the only subcommand is "${expected}" (got ${JSON.stringify(positional ?? '')})`,
      EXIT_USAGE,
      `see numts ${command} ${expected} --help`,
    );
}

/** Runs the command line `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? 0 : EXIT_USAGE;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(version());
    return 0;
  }
  switch (command) {
    case 'demo': {
      const a = parse(
        rest,
        { seed: { type: 'string' }, smoke: { type: 'boolean' }, out: { type: 'string' } },
        DEMO_HELP,
      );
      if (a.values.help) return help(DEMO_HELP);
      if (a.positionals.length)
        throw new CliError(
          `demo takes no arguments (got ${JSON.stringify(a.positionals[0])})`,
          EXIT_USAGE,
          'see numts demo --help',
        );
      const seed = Number(a.values.seed ?? 0);
      if (!Number.isInteger(seed) || seed < 0)
        throw new CliError(`--seed must be a non-negative integer (got ${a.values.seed})`, EXIT_USAGE);
      const { demoCommand } = await import('./commands/demo.js');
      return demoCommand({
        seed,
        smoke: !!a.values.smoke,
        json: !!a.values.json,
        out: (a.values.out as string | undefined) ?? 'numts-demo.json',
        quiet: !!a.values.quiet,
      });
    }
    case 'verify': {
      const a = parse(
        rest,
        {
          svd: { type: 'boolean' },
          qr: { type: 'boolean' },
          eigh: { type: 'boolean' },
          tucker: { type: 'boolean' },
        },
        VERIFY_HELP,
      );
      if (a.values.help) return help(VERIFY_HELP);
      const kinds = ['svd', 'qr', 'eigh', 'tucker'].filter((k) => a.values[k]);
      if (kinds.length !== 1)
        throw new CliError(
          'verify needs exactly one of --svd, --qr, --eigh, --tucker',
          EXIT_USAGE,
          'see numts verify --help',
        );
      const [aPath, ...files] = a.positionals;
      const { verifyCommand } = await import('./commands/verify.js');
      return verifyCommand([aPath!, `--${kinds[0]}`, ...files], !!a.values.json);
    }
    case 'decompose': {
      const a = parse(rest, { rank: { type: 'string' }, out: { type: 'string' } }, DECOMPOSE_HELP);
      if (a.values.help) return help(DECOMPOSE_HELP);
      const { decomposeCommand } = await import('./commands/decompose.js');
      return decomposeCommand(
        a.positionals[0],
        a.positionals[1],
        a.values.out as string | undefined,
        a.values.rank as string | undefined,
        !!a.values.json,
      );
    }
    case 'pll':
    case 'multilabel': {
      const usage = command === 'pll' ? PLL_HELP : MULTILABEL_HELP;
      const a = parse(
        rest,
        {
          data: { type: 'string' },
          labels: { type: 'string' },
          method: { type: 'string' },
          opt: { type: 'string', multiple: true },
          folds: { type: 'string' },
          seed: { type: 'string' },
        },
        usage,
      );
      if (a.values.help) return help(usage);
      subcommand(command, a.positionals[0], 'eval');
      const { opt, ...values } = a.values as Record<string, string | undefined> & { opt?: string[] };
      const { multilabelEval, pllEval } = await import('./commands/eval.js');
      const withOpt = opt === undefined ? values : { ...values, opt };
      return (command === 'pll' ? pllEval : multilabelEval)(withOpt, !!a.values.json, !!a.values.quiet);
    }
    case 'peft': {
      const a = parse(rest, { base: { type: 'string' }, directions: { type: 'string' } }, PEFT_HELP);
      if (a.values.help) return help(PEFT_HELP);
      subcommand(command, a.positionals[0], 'inspect');
      const { peftInspect } = await import('./commands/peft-inspect.js');
      return peftInspect(a.positionals[1], a.values as Record<string, string | undefined>, !!a.values.json);
    }
    case 'bench':
      throw new CliError(
        'bench is not part of the installed command: benchmarks run from the numts repository',
        EXIT_USAGE,
        'in a clone of the repository: npm run bench -- <suite> [--smoke] [--json]',
      );
    default:
      throw new CliError(
        `unknown command ${JSON.stringify(command)}`,
        EXIT_USAGE,
        'numts --help lists the commands',
      );
  }
}

/**
 * Runs {@link main} and turns errors into one `numts: error:` line, a `hint:` line and an exit
 * code; only a bug in numts (not a user mistake) prints a stack trace.
 */
export async function run(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`numts: error: ${e.message}`);
      if (e.hint) console.error(`hint: ${e.hint}`);
      return e.exitCode;
    }
    console.error(
      `numts: unexpected error (a bug in numts; please report it): ${(e as Error)?.stack ?? String(e)}`,
    );
    return 70;
  }
}
