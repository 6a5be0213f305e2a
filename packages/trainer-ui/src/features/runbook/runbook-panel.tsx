import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { Panel } from '../../components/panel';
import { FormError } from '../../components/form-error';
import { ApiError, getJson } from '../../lib/api-client';
import { parseRunbook, sectionsFor, type RunbookPart, type RunbookSection } from './runbook-document';

interface RunbookFile {
  name: string;
  markdown: string;
}

const loadRunbook = () => getJson<RunbookFile>('/trainer/runbook');

function Part({ part, onType }: { part: RunbookPart; onType: ((command: string) => void) | null }) {
  if (part.kind === 'html') return <div className="runbook-text" dangerouslySetInnerHTML={{ __html: part.html }} />;
  return (
    <div className="runbook-code">
      {part.pieces.map((piece, index) =>
        piece.kind === 'text' ? (
          <pre key={index} className="runbook-comment">
            {piece.text || ' '}
          </pre>
        ) : (
          <div key={index} className="runbook-command">
            <pre>
              <code>{piece.text}</code>
            </pre>
            {onType && (
              <button type="button" className="type-command" onClick={() => onType(piece.command)} title="Types this command at the terminal's prompt; press Enter there to run it" aria-label={`Type into the terminal: ${piece.command.slice(0, 80)}`}>
                <span aria-hidden="true">⌨ </span>Type
              </button>
            )}
          </div>
        ),
      )}
    </div>
  );
}

function Section({ section, open, onToggle, onType }: { section: RunbookSection; open: boolean; onToggle: (open: boolean) => void; onType: ((command: string) => void) | null }) {
  return (
    <details id={`runbook-${section.id}`} className={`runbook-section level-${section.level}`} open={open} onToggle={(event) => onToggle(event.currentTarget.open)}>
      <summary>{section.title}</summary>
      {section.parts.map((part, index) => (
        <Part key={index} part={part} onType={onType} />
      ))}
    </details>
  );
}

/**
 * The team's runbook beside the terminal: every section, the ones the page's alert links to
 * first and open, each shell command a click away from the prompt (typed, not run).
 */
export function RunbookPanel({ runbookSection, onType, load = loadRunbook }: { runbookSection: string | null; onType: ((command: string) => void) | null; load?: () => Promise<RunbookFile> }) {
  const [file, setFile] = useState<RunbookFile>();
  const [error, setError] = useState<string>();
  const [opened, setOpened] = useState<Record<string, boolean>>({});

  useEffect(() => {
    let current = true;
    load()
      .then((loaded) => current && setFile(loaded))
      .catch((caught: unknown) => current && setError(caught instanceof ApiError ? caught.message : String(caught)));
    return () => {
      current = false;
    };
  }, [load]);

  const sections = useMemo(() => (file ? parseRunbook(file.markdown) : []), [file]);
  const forPage = useMemo(() => sectionsFor(runbookSection, sections), [runbookSection, sections]);
  // A new page opens its sections afresh, whatever was opened or closed before it.
  useEffect(() => setOpened(Object.fromEntries(forPage.map((id) => [id, true]))), [forPage]);

  const first = sections.filter((section) => forPage.includes(section.id));
  const rest = sections.filter((section) => !forPage.includes(section.id));
  const toggle = (id: string) => (open: boolean) => setOpened((current) => (current[id] === open ? current : { ...current, [id]: open }));
  // The runbook's own links (its table of contents) open the section they name.
  const follow = (event: MouseEvent<HTMLDivElement>) => {
    const link = (event.target as HTMLElement).closest('a');
    const href = link?.getAttribute('href');
    if (!href?.startsWith('#')) return;
    event.preventDefault();
    const id = href.slice(1);
    setOpened((current) => ({ ...current, [id]: true }));
    document.getElementById(`runbook-${id}`)?.scrollIntoView?.({ block: 'nearest' });
  };

  return (
    <Panel title="Runbook" className="runbook">
      <FormError message={error} />
      {!file && !error && <p className="quiet">Loading the runbook…</p>}
      {file && (
        <div className="runbook-body" onClick={follow}>
          <p className="quiet runbook-source">
            {file.name}
            {first.length > 0 ? ' · the sections for this page first' : ''}
          </p>
          {first.map((section) => (
            <Section key={section.id} section={section} open={opened[section.id] ?? false} onToggle={toggle(section.id)} onType={onType} />
          ))}
          {first.length > 0 && <hr />}
          {rest.map((section) => (
            <Section key={section.id} section={section} open={opened[section.id] ?? (section.level === 1 && first.length === 0)} onToggle={toggle(section.id)} onType={onType} />
          ))}
        </div>
      )}
    </Panel>
  );
}
