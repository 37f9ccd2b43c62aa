/**
 * The `numts` command: `numts demo`, `verify`, `decompose`, `pll eval`, `multilabel eval`,
 * `peft inspect`, `bench`. Every subcommand has `--help`.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { CliError, EXIT_USAGE } from './cli-error.js';
import { BENCH_HELP, benchCommand } from './commands/bench.js';
import { DECOMPOSE_HELP, decomposeCommand } from './commands/decompose.js';
import { DEMO_HELP, demoCommand } from './commands/demo.js';
import { MULTILABEL_HELP, multilabelEval, PLL_HELP, pllEval } from './commands/eval.js';
import { PEFT_HELP, peftInspect } from './commands/peft-inspect.js';
import { VERIFY_HELP, verifyCommand } from './commands/verify.js';

export { CliError } from './cli-error.js';
export { type DemoRow, runDemo } from './commands/demo.js';

const HELP = `numts — numerical algorithms in TypeScript

usage: numts <command> [options]

commands:
  demo                 every package on embedded data (one table; writes numts-demo.json)
  verify <A.npy> …     check a factorization (SVD, QR, eigh, Tucker) written by numpy or numts
  decompose <kind> …   SVD, QR, eigh, Tucker or CP of a .npy file into .npy factors
  pll eval …           cross-validate a partial-label learner on a .mat file
  multilabel eval …    cross-validate a multi-label learner on a MULAN ARFF + XML pair
  peft inspect <dir>   ranks, spectra and task-specific directions of a HuggingFace LoRA adapter
  bench <suite>        run a benchmark suite

numts <command> --help shows the options of a command.`;

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parse(
  args: string[],
  options: OptionSpec,
  usage: string,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
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
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_USAGE, usage.split('\n')[0]);
  }
}

/** Runs the command line `argv` (without `node` and the script); returns the exit code. */
export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? 0 : EXIT_USAGE;
  }
  switch (command) {
    case 'demo': {
      const a = parse(
        rest,
        { seed: { type: 'string' }, smoke: { type: 'boolean' }, out: { type: 'string' } },
        DEMO_HELP,
      );
      if (a.values.help) return help(DEMO_HELP);
      const seed = Number(a.values.seed ?? 0);
      if (!Number.isInteger(seed) || seed < 0)
        throw new CliError(`--seed must be a non-negative integer (got ${a.values.seed})`, EXIT_USAGE);
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
      return verifyCommand([aPath!, `--${kinds[0]}`, ...files], !!a.values.json);
    }
    case 'decompose': {
      const a = parse(rest, { rank: { type: 'string' }, out: { type: 'string' } }, DECOMPOSE_HELP);
      if (a.values.help) return help(DECOMPOSE_HELP);
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
      const a = parse(
        rest,
        {
          data: { type: 'string' },
          labels: { type: 'string' },
          method: { type: 'string' },
          folds: { type: 'string' },
          seed: { type: 'string' },
        },
        command === 'pll' ? PLL_HELP : MULTILABEL_HELP,
      );
      if (a.values.help) return help(command === 'pll' ? PLL_HELP : MULTILABEL_HELP);
      if (a.positionals[0] !== 'eval')
        throw new CliError(
          `${command}: the only subcommand is "eval" (got ${JSON.stringify(a.positionals[0] ?? '')})`,
          EXIT_USAGE,
          `see numts ${command} eval --help`,
        );
      const v = a.values as Record<string, string | undefined>;
      return command === 'pll'
        ? pllEval(v, !!a.values.json, !!a.values.quiet)
        : multilabelEval(v, !!a.values.json, !!a.values.quiet);
    }
    case 'peft': {
      const a = parse(rest, { base: { type: 'string' }, directions: { type: 'string' } }, PEFT_HELP);
      if (a.values.help) return help(PEFT_HELP);
      if (a.positionals[0] !== 'inspect')
        throw new CliError(
          `peft: the only subcommand is "inspect" (got ${JSON.stringify(a.positionals[0] ?? '')})`,
          EXIT_USAGE,
          'see numts peft inspect --help',
        );
      return peftInspect(a.positionals[1], a.values as Record<string, string | undefined>, !!a.values.json);
    }
    case 'bench': {
      if (rest.includes('--help') || rest.includes('-h')) return help(BENCH_HELP);
      const [suite, ...flags] = rest;
      return benchCommand(suite, flags);
    }
    default:
      throw new CliError(
        `unknown command ${JSON.stringify(command)}`,
        EXIT_USAGE,
        'numts --help lists the commands',
      );
  }
}

function help(text: string): number {
  console.log(text);
  return 0;
}

/** Runs `main` and turns errors into a message, a hint and an exit code. */
export function run(argv: string[]): number {
  try {
    return main(argv);
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`numts: error: ${e.message}`);
      if (e.hint) console.error(`hint: ${e.hint}`);
      return e.exitCode;
    }
    console.error(`numts: unexpected error: ${(e as Error)?.stack ?? String(e)}`);
    return 70;
  }
}

if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  process.exitCode = run(process.argv.slice(2));
}
