/**
 * PostgreSQL with a blocking call, for the synchronous DrillStore interface: a worker thread
 * holds one `pg` connection; the caller posts a query and waits on a shared word
 * (`Atomics.wait`) until the worker has the answer. A call returns only once PostgreSQL has
 * answered, so an INSERT is committed (synchronous_commit) when it returns, as an SQLite write
 * is on disk. The price: the event loop stands still for each round trip (a fraction of a ms on
 * loopback), which is why the store runs few statements per request (docs/architecture.md).
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { StoreError } from './drill-store';

/** One statement, its values passed apart from its text: `$1`, `$2`… never interpolated. */
export interface Statement {
  text: string;
  values?: unknown[];
}

type Reply = { id: number } & ({ rows: Array<Record<string, unknown>>[] } | { error: string });

/**
 * The worker: plain JavaScript run with `eval`, so it needs no file of its own beside the bundle.
 * It requires `pg` from the path the main thread resolved. BIGINT columns (epoch ms, counts)
 * come back as numbers: every value we keep is well inside 2^53.
 */
const workerSource = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
pg.types.setTypeParser(20, (value) => Number(value));
const { url, signal, port } = workerData;
const word = new Int32Array(signal);
const client = new pg.Client({ connectionString: url, application_name: 'gameday' });
let broken;
const connected = client.connect().catch((error) => { broken = error; });
client.on('error', (error) => { broken = error; });
function answer(reply) {
  port.postMessage(reply);
  Atomics.store(word, 0, 1);
  Atomics.notify(word, 0);
}
port.on('message', async (request) => {
  const id = request.id;
  await connected;
  if (request.close) {
    await client.end().catch(() => undefined);
    answer({ id, rows: [] });
    port.close();
    return;
  }
  if (broken) return answer({ id, error: String(broken.message || broken) });
  const rows = [];
  try {
    if (request.transaction) await client.query('BEGIN');
    for (const statement of request.statements) rows.push((await client.query(statement.text, statement.values || [])).rows);
    if (request.transaction) await client.query('COMMIT');
    answer({ id, rows });
  } catch (error) {
    if (request.transaction) await client.query('ROLLBACK').catch(() => undefined);
    answer({ id, error: String(error && error.message || error) });
  }
});
`;

export class BlockingPostgres {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly word: Int32Array;
  private closed = false;
  /** Each call's number: an answer that comes after its call gave up is told apart and dropped. */
  private calls = 0;

  /** `timeoutMs`: how long one call may wait before it fails (a server gone, a lock never freed). */
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 15_000,
  ) {
    const signal = new SharedArrayBuffer(4);
    this.word = new Int32Array(signal);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const pgPath = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(workerSource, { eval: true, workerData: { pgPath, url, signal, port: port2 }, transferList: [port2] });
    // The worker never keeps the process alive: the store is closed with the server.
    this.worker.unref();
  }

  /** Runs the statements one after another and returns each one's rows. */
  run(statements: Statement[], transaction = false): Array<Record<string, unknown>>[] {
    if (this.closed) throw new StoreError('the PostgreSQL store is closed');
    const reply = this.call({ statements, transaction });
    if ('error' in reply) throw new StoreError(`PostgreSQL at ${this.where()}: ${reply.error}`);
    return reply.rows;
  }

  /** One statement's rows. */
  query<Row>(text: string, values: unknown[] = []): Row[] {
    return this.run([{ text, values }])[0] as Row[];
  }

  /** All the statements, or none. */
  transaction(statements: Statement[]): Array<Record<string, unknown>>[] {
    return this.run(statements, true);
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call({ close: true }, 2000);
    } catch {
      // A server already gone: the worker is ended below all the same.
    }
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }

  /** Posts a request and blocks until its own answer comes, or the time is up. */
  private call(request: Record<string, unknown>, timeoutMs = this.timeoutMs): Reply {
    const id = ++this.calls;
    const deadline = performance.now() + timeoutMs;
    Atomics.store(this.word, 0, 0);
    this.port.postMessage({ ...request, id });
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(this.word, 0, 0, left) === 'timed-out') {
        throw new StoreError(`PostgreSQL at ${this.where()} did not answer within ${timeoutMs} ms`);
      }
      Atomics.store(this.word, 0, 0);
      for (let message = receiveMessageOnPort(this.port); message; message = receiveMessageOnPort(this.port)) {
        const reply = message.message as Reply;
        if (reply.id === id) return reply;
      }
    }
  }

  /** The server's address without its password, for messages. */
  private where(): string {
    try {
      const url = new URL(this.url);
      url.password = '';
      return `${url.host}${url.pathname}`;
    } catch {
      return 'the --store URL';
    }
  }
}
