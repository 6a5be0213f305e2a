import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandLineError, formatDate, parseCommandLine } from './command-line';
import { runTerminalLine } from './terminal-runner';
import { offlineTerminalContext } from './test-terminal';

const now = new Date('2026-11-28T09:05:07Z');
const context = { env: { ADMIN_TOKEN: 's3cret' }, now };

describe('parseCommandLine', () => {
  it("reads the runbook's multi-line curl as one command with quotes and $ADMIN_TOKEN expanded", () => {
    const pipeline = parseCommandLine(`curl -X POST http://localhost:9090/admin/config \\\n  -H "Authorization: Bearer $ADMIN_TOKEN" \\\n  -d '{"speculation.enabled": false}'`, context);
    expect(pipeline.stages).toEqual([{ program: 'curl', args: ['-X', 'POST', 'http://localhost:9090/admin/config', '-H', 'Authorization: Bearer s3cret', '-d', '{"speculation.enabled": false}'] }]);
    expect(pipeline.redirect).toBeNull();
  });

  it('splits pipes and reads a final redirect with $(date +FORMAT) expanded', () => {
    expect(parseCommandLine("curl -s localhost:9090/metrics | grep -E 'speculation_(active|rollback|error)'", context).stages.map((stage) => stage.program)).toEqual(['curl', 'grep']);
    expect(parseCommandLine('agenc stake status > stake_snapshot_$(date +%Y%m%d_%H%M%S).txt', context).redirect).toEqual({ file: 'stake_snapshot_20261128_090507.txt', append: false });
  });

  it.each([
    ['ls; rm -rf /', '";" is not available'],
    ['true && false', '"&" is not available'],
    ['echo `id`', '"`" is not available'],
    ['echo $(id)', '$(id) is not available'],
    ["echo 'open", 'unclosed single quote'],
    ['cat < /etc/passwd', '"<" is not available'],
    ['| head', 'a pipe needs a command'],
    ['echo hi >', 'needs a file name'],
  ])('refuses %j: %s', (line, reason) => {
    expect(() => parseCommandLine(line, context)).toThrow(CommandLineError);
    expect(() => parseCommandLine(line, context)).toThrow(reason);
  });

  it('formats dates like GNU date', () => {
    expect(formatDate('%Y-%m-%dT%H:%M:%S %%', now)).toBe('2026-11-28T09:05:07 %');
  });
});

describe('runTerminalLine, without the service', () => {
  const { context: terminalContext } = offlineTerminalContext(now);
  const cwd = terminalContext.cwd;
  const terminal = (line: string) => runTerminalLine(line, terminalContext);

  it('runs builtins and filters, with bash exit statuses', async () => {
    expect(await terminal('echo one two')).toEqual({ stdout: 'one two\n', stderr: '', exitCode: 0 });
    expect(await terminal('echo alpha | grep -c alp')).toMatchObject({ stdout: '1\n', exitCode: 0 });
    expect(await terminal('echo alpha | grep beta')).toMatchObject({ stdout: '', exitCode: 1 });
    expect(await terminal('date +%H:%M')).toMatchObject({ stdout: '09:05\n' });
  });

  it('writes > file into the user\'s own folder and reads it back', async () => {
    expect(await terminal('echo saved > notes.txt')).toMatchObject({ stdout: '', exitCode: 0 });
    expect(await terminal('echo more >> notes.txt')).toMatchObject({ exitCode: 0 });
    expect(readFileSync(join(cwd, 'notes.txt'), 'utf8')).toBe('saved\nmore\n');
    expect(await terminal('cat notes.txt | head -1')).toMatchObject({ stdout: 'saved\n' });
    expect((await terminal('ls')).stdout).toContain('notes.txt');
  });

  it.each([
    ['rm -rf /', 127, 'rm: not available in this drill'],
    ['bash -c id', 127, 'bash: not available in this drill'],
    ['echo x > /tmp/evil', 1, 'write to a plain file name'],
    ['cat /etc/passwd', 1, 'no such file in your folder'],
    ['curl http://example.com/', 2, 'curl: not available in this drill: the URL "http://example.com/" names the host "example.com". A URL here is http://localhost:PORT/path'],
    ['curl -o /tmp/x localhost:9090/metrics', 2, 'curl: not available in this drill: the value "/tmp/x" of -o'],
    ['curl -d @/etc/passwd localhost:9090/admin/config', 2, 'a value starting with @ reads a file; give the text itself'],
    ['curl localhost:22', 2, 'names the port 22. A URL here is http://localhost:PORT/path or localhost:PORT/path (or 127.0.0.1), PORT 9090 or 9191'],
    ['kubectl --server=http://10.0.0.1 get pods', 2, 'kubectl: not available in this drill: the flag "--server". The verbs: get, describe'],
    ['kubectl delete pods --all', 2, 'kubectl: not available in this drill: the verb "delete"'],
    ['agenc --url http://elsewhere stake status', 2, 'agenc: not available in this drill: the option "--url". The commands: admin status'],
    ['echo hi | bash', 127, 'bash after a pipe: not available'],
  ])('refuses %j with exit %d and the reason', async (line, exitCode, reason) => {
    const result = await terminal(line);
    expect(result.exitCode).toBe(exitCode);
    expect(result.stderr).toContain(reason);
  });
});
