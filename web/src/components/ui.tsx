import { useCallback, useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { describeError, splitError, type FieldLabels } from '../errors';
import { CreditHint } from './credit-hint';
import { takeNavigationFocus } from '../router';

export { describeError, splitError };

/** The reason the server refused a field, under it; `id` ties it to the input (aria-describedby). */
export function FieldError({ id, error }: { id: string; error: string | null | undefined }) {
  if (!error) return null;
  return (
    <small id={id} className="error" role="alert">
      {error}
    </small>
  );
}

/** The ids that describe a field: its hint and its error, whichever it has. */
const describedBy = (id: string, hint: unknown, error: unknown) => [hint ? `${id}-note` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** A labelled input; the hint and the server's reason for refusing it are tied to it for screen readers. */
export function Field({ label, hint, error, ...input }: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode; error?: string | null }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...input} />
      <FieldError id={`${id}-error`} error={error} />
      {hint && <small id={`${id}-note`} className="hint">{hint}</small>}
    </div>
  );
}

export function SelectField({ label, error, children, ...select }: SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string | null; children: ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, null, error)} {...select}>
        {children}
      </select>
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

export function TextField({ label, error, ...area }: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; error?: string | null }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, null, error)} {...area} />
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

/** An error from the API or any other, said in the user's language; `fields` names the form's fields the API may point at. */
export function ErrorNote({ error, fields }: { error: unknown; fields?: FieldLabels }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="error-note" role="alert">
      {describeError(error, t, fields)}
      {error instanceof ApiError && error.code === 'insufficient_credit' && <> <CreditHint /></>}
    </p>
  );
}

export function Status({ children }: { children: ReactNode }) {
  return (
    <p className="status-note" role="status">
      {children}
    </p>
  );
}

/** Loads data on mount and whenever `deps` change; `reload` fetches again. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: null, loading: false }),
      (error: unknown) => !controller.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => controller.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Herald`;
  }, [title]);
  useEffect(() => {
    if (takeNavigationFocus()) heading.current?.focus();
  }, []);
  return (
    <header className="page-header">
      <h1 ref={heading} tabIndex={-1}>{title}</h1>
      {children}
    </header>
  );
}

/** Something to say to screen readers; `n` changes to say the same text again. */
export interface Announcement { text: string; n: number }

/**
 * A live region that is in the page before anything is said in it (a region
 * added together with its text is often not read). Each announcement is a new
 * node, so the same words are said again when they come again.
 */
export function Announcer({ message, assertive = false, testId }: { message: Announcement | null; assertive?: boolean; testId?: string }) {
  return (
    <p className="sr-only" role={assertive ? 'alert' : 'status'} data-testid={testId}>
      {message && <span key={message.n}>{message.text}</span>}
    </p>
  );
}

/** An Announcer's message and the way to say a new one. */
export function useAnnouncement() {
  const [message, setMessage] = useState<Announcement | null>(null);
  const announce = useCallback((text: string | null) => setMessage((m) => (text === null ? null : { text, n: (m?.n ?? 0) + 1 })), []);
  return [message, announce] as const;
}

type Column = ReactNode | { hidden: ReactNode };
const isHidden = (c: Column): c is { hidden: ReactNode } => typeof c === 'object' && c !== null && 'hidden' in c;

/**
 * A table in the wrapper that scrolls it sideways on a phone, with one header
 * per column; `{ hidden }` names a column for screen readers only (actions),
 * and `false` leaves a column out.
 */
export function DataTable({ columns, testId, children }: { columns: (Column | false)[]; testId?: string; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.filter((c): c is Column => c !== false).map((c, i) => (
              <th key={i} scope="col">{isHidden(c) ? <span className="sr-only">{c.hidden}</span> : c}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
