/** A titled block of a side panel. */
import type { ReactNode } from 'react';

export interface PanelSectionProps {
  title: string;
  aside?: ReactNode;
  className?: string;
  children: ReactNode;
}

export function PanelSection({ title, aside, className, children }: PanelSectionProps) {
  return (
    <section className={`panel-section${className === undefined ? '' : ` ${className}`}`}>
      <header className="panel-title">
        <span>{title}</span>
        {aside === undefined ? null : <span className="panel-aside">{aside}</span>}
      </header>
      {children}
    </section>
  );
}
