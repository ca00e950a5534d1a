import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../api';
import { Link } from '../router';
import { useSession } from '../session';
import type { FirstRun } from '../types';
import { ErrorNote, Status, useLoad } from './ui';

const DISMISSED = 'herald.first-run-dismissed';
const REFUSALS = ['simulator_not_running', 'simulator_not_bound', 'no_number_to_reply_to'];

/**
 * What a new installation still lacks before its first SMS, for the account's
 * owners: credit or a plan, a sender of its own, an SMS centre. Each item
 * says whether it is done (from the API) and where to do it; the list goes
 * once all are done or its owner puts it away. With the built-in simulator as
 * SMS centre, a card lets them try the Inbox with a reply it plays.
 */
export function FirstRunChecklist() {
  const { t } = useTranslation();
  const s = useSession();
  const owner = s.session.user.role === 'owner';
  const status = useLoad((signal) => (owner ? get<FirstRun>('/v1/first-run', signal) : Promise.resolve(null)), [owner, s.acting.id]);
  const key = `${DISMISSED}.${s.acting.id}`;
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(key) === '1');
  const r = status.data;
  if (!owner || !r) return null;
  const operator = s.can('operator');
  const allDone = r.credit.done && r.sender.done && r.sms_centre.done;
  return (
    <>
      {!allDone && !dismissed && (
        <section className="card first-run" aria-labelledby="first-run-title" data-testid="first-run">
          <h2 id="first-run-title">{t('firstRun.title')}</h2>
          <p>{t('firstRun.intro')}</p>
          <ul className="checklist">
            <Item done={r.credit.done} name={t('firstRun.credit')}>
              {operator ? <Link to="/settings/credit">{t('firstRun.creditAction')}</Link> : <>{t('firstRun.askOperator')} <Link to="/settings/credit">{t('firstRun.seeCredit')}</Link></>}
            </Item>
            <Item done={r.sender.done} name={t('firstRun.sender')}>
              <Link to="/settings/senders">{t('firstRun.senderAction')}</Link>
            </Item>
            <Item done={r.sms_centre.done} name={t('firstRun.centre')} note={r.sms_centre.simulator ? t('firstRun.centreSimulator') : null}>
              {operator ? <>{t('firstRun.centreOperator')} <a href="/docs">{t('firstRun.centreApi')}</a></> : t('firstRun.centreAsk')}
            </Item>
          </ul>
          <button onClick={() => { localStorage.setItem(key, '1'); setDismissed(true); }}>{t('firstRun.dismiss')}</button>
        </section>
      )}
      {r.test_reply && <TryInbox />}
    </>
  );
}

/** One thing to do: done or not, what it is, and (until done) where to do it. */
function Item({ done, name, note, children }: { done: boolean; name: string; note?: string | null; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <li data-done={done}>
      <span className="check" aria-hidden="true">{done ? '✓' : '○'}</span>
      <span>
        <strong>{name}</strong> <span className={done ? 'chip ok' : 'chip'}>{t(done ? 'firstRun.done' : 'firstRun.notDone')}</span>
        {note && <><br />{note}</>}
        {!done && <><br />{children}</>}
      </span>
    </li>
  );
}

function TryInbox() {
  const { t } = useTranslation();
  const [state, setState] = useState<{ busy: boolean; sent: boolean; error: unknown }>({ busy: false, sent: false, error: null });
  const send = () => {
    setState({ busy: true, sent: false, error: null });
    post('/v1/sms-simulator/replies', { text: t('firstRun.testReplyText') }).then(
      () => setState({ busy: false, sent: true, error: null }),
      (error: unknown) => setState({ busy: false, sent: false, error }),
    );
  };
  const refusal = state.error instanceof ApiError && REFUSALS.includes(state.error.reason ?? '') ? state.error.reason : null;
  return (
    <section className="card" aria-labelledby="try-inbox-title" data-testid="try-inbox">
      <h2 id="try-inbox-title">{t('firstRun.tryTitle')}</h2>
      <p>{t('firstRun.tryIntro')}</p>
      {refusal ? <p className="error-note" role="alert">{t(`firstRun.refused.${refusal}`)}</p> : <ErrorNote error={state.error} />}
      {state.sent && <Status>{t('firstRun.trySent')} <Link to="/inbox">{t('firstRun.openInbox')}</Link></Status>}
      <button onClick={send} disabled={state.busy}>{t('firstRun.tryButton')}</button>
    </section>
  );
}
