import type { ReactNode } from 'react';

/** A titled section of the drill screen. */
export function Panel({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  return (
    <section className={`panel ${className ?? ''}`} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
