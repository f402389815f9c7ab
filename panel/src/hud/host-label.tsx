import type { ReactNode } from 'react';

export interface HostLabelProps {
  /** Ref that pins the label to its point in the scene. */
  anchor: (element: HTMLElement | null) => void;
  title: string;
  detail?: ReactNode;
  /** Extra class, e.g. for the service blocks inside the NAS. */
  variant?: 'host' | 'service' | 'bus';
}

/** A host's or service's name drawn over the scene. */
export function HostLabel({ anchor, title, detail, variant = 'host' }: HostLabelProps) {
  return (
    <div className="fp-anchor" ref={anchor}>
      <div className={`fp-label fp-label-${variant}`}>
        <span className="fp-label-title">{title}</span>
        {detail && <span className="fp-label-detail">{detail}</span>}
      </div>
    </div>
  );
}
