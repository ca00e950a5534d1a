import { Fragment, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../format';
import type { Preview } from '../types';
import { Announcer, useAnnouncement } from './ui';

/** The price of the message for all its recipients; an estimate when some (contacts, lists) were not priced one by one. */
export interface Cost { total: number; estimate: boolean }

/** The id of the counter's note on what is wrong with the text: the Send button points at it when it is off because of it. */
export const TEXT_PROBLEM_ID = 'text-problem';

/**
 * Characters, parts, encoding and cost of the message as typed; the characters that force Unicode marked.
 * `touched`: the user has typed in the message; until then an empty message is not yet a mistake.
 */
export function MessageCounter({ text, preview, cost, touched = true }: { text: string; preview: Preview | null; cost: Cost | null; touched?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const unicode = !!preview && preview.encoding.toLowerCase() !== 'gsm7' && preview.non_gsm_characters.length > 0;
  const encoding = unicode ? t('sms.encodingUnicode') : t('sms.encodingGsm');
  // Said (politely) only when the parts or the encoding change, not at every keystroke.
  const [said, announce] = useAnnouncement();
  const last = useRef<string | null>(null);
  const shape = preview ? `${preview.parts}:${unicode}` : null;
  useEffect(() => {
    if (!preview || shape === null) return;
    if (last.current !== null && last.current !== shape) announce(`${t('sms.parts', { count: preview.parts, n: f.number(preview.parts), max: f.number(preview.max_parts) })}, ${encoding}`);
    last.current = shape;
  }, [shape]);
  if (!preview) return <p className="counter">{t('sms.counterEmpty')}</p>;
  const problem = preview.problem && (touched || preview.problem.code !== 'empty') ? preview.problem : null;
  return (
    <div className="counter">
      <p>
        <span data-testid="count-characters">{t('sms.characters', { count: preview.characters, n: f.number(preview.characters) })}</span>
        {' · '}
        <span data-testid="count-parts">{t('sms.parts', { count: preview.parts, n: f.number(preview.parts), max: f.number(preview.max_parts) })}</span>
        {' · '}
        <span data-testid="count-encoding">{encoding}</span>
        {' · '}
        <span data-testid="count-cost">
          {cost
            ? t(cost.estimate ? 'sms.costEstimate' : 'sms.costExact', { total: f.money(cost.total) })
            : t('sms.costPerRecipient', { cost: f.money(preview.cost_per_recipient) })}
        </span>
      </p>
      <Announcer message={said} testId="count-announcer" />
      {unicode && (
        <div className="unicode-note">
          <p>{t('sms.unicodeBecause', { chars: preview.non_gsm_characters.join(' ') })}</p>
          <p className="highlighted">
            <span className="sr-only">{t('sms.highlightedLabel')}: </span>
            <span data-testid="highlighted"><Highlighted text={text} marks={new Set(preview.non_gsm_characters)} /></span>
          </p>
        </div>
      )}
      {problem && (
        <p className="error-note" role="alert" id={TEXT_PROBLEM_ID}>
          {t(`textProblems.${problem.code}`, { defaultValue: problem.reason, parts: f.number(preview.parts), max: f.number(preview.max_parts) })}
        </p>
      )}
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
