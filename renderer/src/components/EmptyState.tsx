// The designed empty, loading and error states (never a blank area).
import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon.tsx';

export function EmptyState({
  icon,
  title,
  text,
  tone = 'neutral',
  children,
}: {
  icon: IconName;
  title: string;
  text?: string;
  tone?: 'neutral' | 'error';
  children?: ReactNode;
}) {
  return (
    <div className={`empty-state ${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="empty-icon">
        <Icon name={icon} size={28} />
      </div>
      <h2>{title}</h2>
      {text && <p>{text}</p>}
      {children}
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <div className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
