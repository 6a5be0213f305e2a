/**
 * A real PostgreSQL for a test: Debian's server binaries, a cluster made with initdb in a temp
 * folder, started on a free loopback port, stopped and removed afterwards. PostgreSQL will not
 * run as root, so as root (CI) the folder is the postgres user's and the binaries run as it.
 * Without the binaries, `postgresBinDir()` says why and the tests that need one are skipped;
 * CI installs them (.ci/run), so there they always run. The code is postgres-cluster.mjs, plain
 * JavaScript that `pnpm bench` (test/bench/fleet-bench.mjs) starts its PostgreSQL with too.
 */
export { postgresBinDir, startPostgres, type PostgresServer } from './postgres-cluster.mjs';
