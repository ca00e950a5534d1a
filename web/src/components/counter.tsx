import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../format';
import type { Preview } from '../types';

/** Characters, parts, encoding and cost of the message as typed; the characters that force Unicode marked. */
export function MessageCounter({ text, preview, recipients }: { text: string; preview: Preview | null; recipients: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!preview) return <p className="counter" aria-live="polite">{t('sms.counterEmpty')}</p>;
  const unicode = preview.encoding.toLowerCase() !== 'gsm7' && preview.non_gsm_characters.length > 0;
  return (
    <div className="counter" aria-live="polite">
      <p>
        <span data-testid="count-characters">{t('sms.characters', { count: preview.characters })}</span>
        {' · '}
        <span data-testid="count-parts">{t('sms.parts', { count: preview.parts, max: preview.max_parts })}</span>
        {' · '}
        <span data-testid="count-encoding">{unicode ? t('sms.encodingUnicode') : t('sms.encodingGsm')}</span>
        {' · '}
        <span data-testid="count-cost">
          {t('sms.cost', { perRecipient: f.money(preview.cost_per_recipient), total: f.money(preview.cost_per_recipient * Math.max(recipients, 0)) })}
        </span>
      </p>
      {unicode && (
        <div className="unicode-note">
          <p>{t('sms.unicodeBecause', { chars: preview.non_gsm_characters.join(' ') })}</p>
          <p className="highlighted" aria-label={t('sms.highlightedLabel')}>
            <Highlighted text={text} marks={new Set(preview.non_gsm_characters)} />
          </p>
        </div>
      )}
      {preview.problem && <p className="error-note" role="alert">{t(`textProblems.${preview.problem.code}`, { defaultValue: preview.problem.reason })}</p>}
    </div>
  );
}

function Highlighted({ text, marks }: { text: string; marks: Set<string> }) {
  return (
    <>
      {[...text].map((ch, i) => (marks.has(ch) ? <mark key={i}>{ch}</mark> : <Fragment key={i}>{ch}</Fragment>))}
    </>
  );
}
