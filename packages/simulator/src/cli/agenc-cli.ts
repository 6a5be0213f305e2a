/**
 * `agenc`: the speculation service's operator CLI, as the runbook uses it, talking to the
 * service's admin API over HTTP (`AGENC_URL`, default http://localhost:9090, with
 * `ADMIN_TOKEN`). Exit status: 0 done, 1 the service refused or could not be reached, 2 usage.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Command, Option } from 'commander';
import * as format from './agenc-format';
import { parseDuration } from './duration';
import { messageChannels } from '../world/outside-changes';

class ServiceError extends Error {}

interface GlobalOptions {
  output: 'human' | 'json';
  url: string;
  token?: string;
}

function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/**
 * One request with node:http and no keep-alive agent. fetch cost ~45 ms to load and then kept
 * the process alive ~90 ms on its connection pool; agenc runs once per command, so it matters.
 */
function send(url: URL, method: string, token: string, body: Record<string, unknown> | undefined): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolveSend, reject) => {
    const outgoing = request(
      url,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          'x-agenc-command': ['agenc', ...process.argv.slice(2)].join(' '),
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (incoming: IncomingMessage) => {
        let text = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => (text += chunk));
        incoming.on('end', () => resolveSend({ status: incoming.statusCode ?? 0, text }));
        incoming.on('error', reject);
      },
    );
    outgoing.setTimeout(130_000, () => outgoing.destroy(new Error('no answer within 130 s')));
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

async function call(command: Command, method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<unknown> {
  const options = globals(command);
  const token = options.token ?? process.env.ADMIN_TOKEN;
  if (token === undefined || token === '') {
    throw new ServiceError('ADMIN_TOKEN is not set; run eval "$(gameday env)" or pass --token');
  }
  const url = new URL(path, options.url.endsWith('/') ? options.url : `${options.url}/`);
  let response: { status: number; text: string };
  try {
    response = await send(url, method, token, body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServiceError(`cannot reach the speculation service at ${options.url} (${reason}); is \`gameday serve\` running, and is AGENC_URL right?`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text) as unknown;
  } catch {
    throw new ServiceError(`the service answered HTTP ${response.status} with a body that is not JSON`);
  }
  if (response.status >= 400) {
    const error = parsed as { error?: string; message?: string };
    throw new ServiceError(`${error.message ?? 'request failed'} (HTTP ${response.status}${error.error ? ` ${error.error}` : ''})`);
  }
  return parsed;
}

/** Runs a command's request and prints its answer as JSON or through its human formatter. */
function action<T>(run: (command: Command) => Promise<T>, human: (result: T, command: Command) => string) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const result = await run(command);
    const output = globals(command).output === 'json' ? JSON.stringify(result, null, 2) : human(result, command);
    process.stdout.write(`${output}\n`);
  };
}

/** A duration option the service reads itself (`since=10m`): checked here, passed on as typed. */
const checkedDuration = (value: string) => {
  parseDuration(value);
  return value;
};

const componentOption = () => new Option('--component <name>', 'component to act on').choices(['speculation']).default('speculation');

export function agencProgram(): Command {
  const program = new Command('agenc')
    .description('AgenC operator CLI (gameday simulator)')
    .version('2.14.3-gameday')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['human', 'json']).default('human'))
    .addOption(new Option('--url <url>', 'speculation service URL').env('AGENC_URL').default('http://localhost:9090'))
    .addOption(new Option('--token <token>', 'admin token (default: $ADMIN_TOKEN)'))
    .showHelpAfterError('(add --help for usage)')
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

  const admin = program.command('admin').description('Service administration');
  admin
    .command('status')
    .description('Health of a component: status, reasons, pods, queues, alerts')
    .addOption(componentOption())
    .option('-v, --verbose', 'add errors, rollback causes and the whole config')
    .action(
      action(
        (command) => {
          const { component, verbose } = command.opts<{ component: string; verbose?: boolean }>();
          return call(command, 'GET', `admin/status?component=${component}&verbose=${verbose === true}`) as Promise<Parameters<typeof format.formatStatus>[0]>;
        },
        format.formatStatus,
      ),
    );
  admin
    .command('gc')
    .description('Run garbage collection on every pod of a component')
    .addOption(componentOption())
    .option('--force', 'a forced full GC (frees retained garbage)')
    .action(
      action(
        (command) => {
          const { component, force } = command.opts<{ component: string; force?: boolean }>();
          return call(command, 'POST', 'admin/gc', { component, force: force === true }) as Promise<Parameters<typeof format.formatGc>[0]>;
        },
        format.formatGc,
      ),
    );
  admin
    .command('check-integrity')
    .description('Check state integrity; --full scans every shard and reports the scope')
    .addOption(componentOption())
    .option('--full', 'scan every shard')
    .action(
      action(
        (command) => {
          const { component, full } = command.opts<{ component: string; full?: boolean }>();
          return call(command, 'POST', 'admin/check-integrity', { component, full: full === true }) as Promise<Parameters<typeof format.formatIntegrity>[0]>;
        },
        format.formatIntegrity,
      ),
    );

  const speculation = program.command('speculation').description('Speculative execution');
  speculation
    .command('stuck')
    .description('Speculative tasks running longer than a threshold')
    .addOption(new Option('--threshold <duration>', 'report tasks running at least this long').default(60_000, '1m').argParser(parseDuration))
    .action(
      action(
        (command) => call(command, 'GET', `admin/speculation/stuck?threshold_ms=${command.opts<{ threshold: number }>().threshold}`) as Promise<Parameters<typeof format.formatStuck>[0]>,
        format.formatStuck,
      ),
    );
  speculation
    .command('rollbacks')
    .description('Rollbacks over a window: totals and causes; --verbose lists (sampled) rollback events, newest first')
    .addOption(new Option('--since <duration>', 'window length').default(600_000, '10m').argParser(parseDuration))
    .option('-v, --verbose', 'list rollback events')
    .action(
      action(
        (command) => {
          const { since, verbose } = command.opts<{ since: number; verbose?: boolean }>();
          return call(command, 'GET', `admin/speculation/rollbacks?since_ms=${since}&verbose=${verbose === true}`) as Promise<Parameters<typeof format.formatRollbacks>[0]>;
        },
        format.formatRollbacks,
      ),
    );
  const snapshots = speculation.command('snapshots').description('State snapshots');
  snapshots
    .command('clear')
    .description('Delete snapshots older than a given age (without --confirm, only says what it would delete)')
    .addOption(new Option('--older-than <duration>', 'delete snapshots older than this').argParser(parseDuration).makeOptionMandatory())
    .option('--confirm', 'really delete')
    .action(
      action(
        (command) => {
          const { olderThan, confirm } = command.opts<{ olderThan: number; confirm?: boolean }>();
          return call(command, 'POST', 'admin/speculation/snapshots/clear', { older_than_ms: olderThan, dry_run: confirm !== true }) as Promise<Parameters<typeof format.formatSnapshotsClear>[0]>;
        },
        (result, command) => format.formatSnapshotsClear(result, command.opts<{ olderThan: number }>().olderThan),
      ),
    );

  const proofWorker = program.command('proof-worker').description('Proof generation workers');
  proofWorker
    .command('status')
    .description('Proof workers, the proof queue and stuck proofs')
    .action(action((command) => call(command, 'GET', 'admin/proof-worker/status') as Promise<Parameters<typeof format.formatProofWorkers>[0]>, format.formatProofWorkers));
  proofWorker
    .command('timeout')
    .description('Time out stuck proofs older than a given age (they are requeued)')
    .addOption(new Option('--older-than <duration>', 'time out proofs stuck longer than this').argParser(parseDuration).makeOptionMandatory())
    .action(
      action(
        (command) => call(command, 'POST', 'admin/proof-worker/timeout', { older_than_ms: command.opts<{ olderThan: number }>().olderThan }) as Promise<Parameters<typeof format.formatProofTimeout>[0]>,
        format.formatProofTimeout,
      ),
    );

  const stake = program.command('stake').description('Validator stake');
  stake.command('status').description('The validator stake now').action(action((command) => call(command, 'GET', 'admin/stake/status') as Promise<Parameters<typeof format.formatStake>[0]>, format.formatStake));
  stake
    .command('slashing-history')
    .description('Slashing events in a window, newest first')
    .addOption(new Option('--since <duration>', 'window length').default(86_400_000, '24h').argParser(parseDuration))
    .action(
      action(
        (command) => call(command, 'GET', `admin/stake/slashing-history?since_ms=${command.opts<{ since: number }>().since}`) as Promise<Parameters<typeof format.formatSlashingHistory>[0]>,
        format.formatSlashingHistory,
      ),
    );

  // Where a responder looks for what others changed and said; the service passes `since` on as typed.
  const config = program.command('config').description('Runtime config');
  config
    .command('history')
    .description('Config changes in a window, newest first: when, by whom, what changed from what, and why')
    .addOption(new Option('--since <duration>', 'window length').default('24h').argParser(checkedDuration))
    .action(
      action(
        (command) => call(command, 'GET', `admin/config/history?since=${encodeURIComponent(command.opts<{ since: string }>().since)}`) as Promise<Parameters<typeof format.formatConfigHistory>[0]>,
        format.formatConfigHistory,
      ),
    );
  program
    .command('messages')
    .description("Messages other teams posted in the drill's channels, oldest first")
    .addOption(new Option('--channel <channel>', 'only this channel').choices([...messageChannels]))
    .addOption(new Option('--since <duration>', 'window length').default('24h').argParser(checkedDuration))
    .action(
      action(
        (command) => {
          const { channel, since } = command.opts<{ channel?: string; since: string }>();
          const query = new URLSearchParams({ since, ...(channel === undefined ? {} : { channel }) });
          return call(command, 'GET', `admin/messages?${query.toString()}`) as Promise<Parameters<typeof format.formatMessages>[0]>;
        },
        format.formatMessages,
      ),
    );
  program
    .command('dependencies')
    .description('Every dependency the service reads from: owner, requests, errors and p99 from the service side, and the owners\' status page')
    .action(action((command) => call(command, 'GET', 'admin/dependencies') as Promise<Parameters<typeof format.formatDependencies>[0]>, format.formatDependencies));
  return program;
}

try {
  await agencProgram().parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`agenc: error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
