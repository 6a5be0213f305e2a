import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof2', 'test/bench/bench-server.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
const ports = await new Promise((r) => { let out = ''; child.stdout.on('data', (c) => { out += c; const m = /(\{.*\})\n/.exec(out); if (m) r(JSON.parse(m[1])); }); });
const post = { method: 'POST', headers: { authorization: 'Bearer bench-admin', 'content-type': 'application/x-www-form-urlencoded' }, body: '{"speculation.max_depth": 2, "speculation.features.rollout_percentage": 50}' };
await new Promise((res) => autocannon({ url: `http://127.0.0.1:${ports.app}${process.env.ROUTE ?? '/admin/config'}`, connections: 10, duration: 5, ...post }, res));
const exited = new Promise((r) => child.once('exit', r));
child.kill('SIGTERM'); await exited;
