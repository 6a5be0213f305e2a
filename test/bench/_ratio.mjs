import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
const child = spawn(process.execPath, ['test/bench/bench-server.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
const ports = await new Promise((r) => { let out = ''; child.stdout.on('data', (c) => { out += c; const m = /(\{.*\})\n/.exec(out); if (m) r(JSON.parse(m[1])); }); });
const post = { method: 'POST', headers: { authorization: 'Bearer bench-admin', 'content-type': 'application/x-www-form-urlencoded' }, body: '{"speculation.max_depth": 2, "speculation.features.rollout_percentage": 50}' };
const cpu = () => { const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const load = (url) => new Promise((res, rej) => { const c0 = cpu(); autocannon({ url, connections: 10, duration: Number(process.env.SECS ?? 3), ...post }, (e, r) => (e ? rej(e) : r.non2xx ? rej(new Error('non2xx ' + r.non2xx)) : res({ rps: r.requests.average, usPerReq: ((cpu() - c0) * 1000) / r.requests.total }))); });
const ratios = [];
const cpuRatios = [];
for (let i = 0; i < Number(process.env.ROUNDS ?? 5); i++) {
  const a = await load(`http://127.0.0.1:${ports.app}/admin/config`);
  const t = await load(`http://127.0.0.1:${ports.app}/bench/trivial`);
  ratios.push(a.rps / t.rps);
  cpuRatios.push(t.usPerReq / a.usPerReq);
  console.log(`admin ${a.rps.toFixed(0)} req/s ${a.usPerReq.toFixed(1)} µs/req   trivial ${t.rps.toFixed(0)} req/s ${t.usPerReq.toFixed(1)} µs/req   rps ratio ${(a.rps / t.rps).toFixed(2)}  cpu ratio ${(t.usPerReq / a.usPerReq).toFixed(2)}`);
}
const med = (x) => [...x].sort()[Math.floor(x.length / 2)].toFixed(2);
console.log('median rps ratio', med(ratios), 'cpu ratio', med(cpuRatios));
child.kill('SIGTERM');
