export interface PostgresServer {
  /** postgres://gameday@127.0.0.1:PORT/gameday */
  url: string;
  port: number;
  /** A fresh database on the same server, for a test that wants an empty store. */
  createDatabase(name: string): string;
  /** Runs SQL (the test's own text) in a database with psql; returns its unaligned output. */
  psql(database: string, sql: string): string;
  stop(): void;
}

/** The newest installed PostgreSQL's bin folder, or why there is none. */
export function postgresBinDir(): { dir: string } | { missing: string };

/** Starts a PostgreSQL cluster of its own (max_connections 40 unless given); throws if the binaries are missing. */
export function startPostgres(options?: { maxConnections?: number }): Promise<PostgresServer>;
