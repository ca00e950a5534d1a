import { useCallback, useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { refusalKey } from '../reasons';
import { takeNavigationFocus } from '../router';

/** A labelled input; the hint and error are tied to it for screen readers. */
export function Field({ label, hint, error, ...input }: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode; error?: string | null }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={hint || error ? `${id}-note` : undefined} {...input} />
      {(hint || error) && (
        <small id={`${id}-note`} className={error ? 'error' : 'hint'}>
          {error ?? hint}
        </small>
      )}
    </div>
  );
}

export function SelectField({ label, children, ...select }: SelectHTMLAttributes<HTMLSelectElement> & { label: string; children: ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...select}>
        {children}
      </select>
    </div>
  );
}

export function TextField({ label, ...area }: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} {...area} />
    </div>
  );
}

/** An error from the API (with the field at fault) or any other error, said in the user's language when it has a code we know. */
export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="error-note" role="alert">
      {describeError(error, t)}
    </p>
  );
}

export function describeError(error: unknown, t: (key: string, options?: Record<string, unknown>) => string): string {
  if (error instanceof ApiError) {
    // A refusal with a known reason reads in the user's language; the rest as the server put it.
    const reasonKey = refusalKey(error.reason);
    const message = reasonKey ? t(reasonKey) : t(`errors.${error.code}`, { defaultValue: error.message });
    return error.field ? t('errors.withField', { field: error.field, message }) : message;
  }
  return error instanceof Error ? error.message : String(error);
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
