import { useTranslation } from 'react-i18next';
import { failureKey } from '../reasons';

/** A message status as a labelled chip, with the plain reason when it failed. */
export function StatusChip({ status, errorCode }: { status: string; errorCode?: string | null }) {
  const { t } = useTranslation();
  const failure = ['failed', 'undelivered', 'expired', 'unknown'].includes(status) ? failureKey(errorCode ?? null) : null;
  return (
    <span className={`chip chip-${status}`}>
      {t(`status.${status}`, { defaultValue: status })}
      {failure && <span className="chip-reason"> — {t(failure.key, { code: failure.code })}</span>}
    </span>
  );
}
