import { describe, expect, it } from 'vitest';
import { LineEditor } from './line-editor';

describe('LineEditor', () => {
  it('echoes typing and submits on Enter', () => {
    const editor = new LineEditor();
    expect(editor.feed('agenc stake status')).toMatchObject({ echo: 'agenc stake status', submitted: [] });
    expect(editor.feed('\r')).toMatchObject({ echo: '\r\n', submitted: ['agenc stake status'] });
  });

  it("continues a line that ends in a backslash, as the runbook's pasted curl commands do", () => {
    const editor = new LineEditor();
    const result = editor.feed('curl -X POST http://localhost:9090/admin/config \\\n  -H "Authorization: Bearer $ADMIN_TOKEN" \\\n  -d \'{"speculation.enabled": false}\'\n');
    expect(result.submitted).toEqual(['curl -X POST http://localhost:9090/admin/config \\\n  -H "Authorization: Bearer $ADMIN_TOKEN" \\\n  -d \'{"speculation.enabled": false}\'']);
    expect(result.echo).toContain('\r\n> ');
  });

  it('handles backspace, Ctrl-C and history', () => {
    const editor = new LineEditor();
    editor.feed('kubectl get podz');
    expect(editor.feed('\x7f').echo).toBe('\b \b');
    editor.feed('s\r');
    expect(editor.feed('half typed\x03').echo).toContain('^C');
    expect(editor.feed('\x1b[A').echo).toContain('kubectl get pods');
    expect(editor.feed('\r').submitted).toEqual(['kubectl get pods']);
  });

  it('submits nothing for an empty line, and asks to clear on Ctrl-L', () => {
    const editor = new LineEditor();
    expect(editor.feed('\r')).toMatchObject({ submitted: [], echo: '\r\n$ ' });
    expect(editor.feed('\x0c').clear).toBe(true);
  });
});
