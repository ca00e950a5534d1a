import { useTranslation } from 'react-i18next';
import { useFormat } from '../format';
import { refusalText } from '../reasons';
import { Link } from '../router';
import type { SendResult } from '../types';
import type { Recipient } from './recipients';
import { StatusChip } from './status';
import { PageHeader } from './ui';

/** What a send did, per recipient: accepted (with its live status) or refused with the reason. */
export function SendOutcome({ result, recipients, onAnother }: { result: SendResult; recipients: Recipient[]; onAnother: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  // A contact or list that no longer exists comes back as its id: say the name it was added under.
  const who = (r: SendResult['rejected'][number]) => {
    const asked = recipients[r.index];
    return asked && asked.kind !== 'number' && asked.id === r.to ? asked.name : r.to;
  };
  return (
    <main id="main">
      <PageHeader title={t('sms.resultTitle')} />
      <p role="status">
        {t('sms.resultSummary', { accepted: f.number(result.accepted.length), rejected: f.number(result.rejected.length) })}{' '}
        {t('sms.resultCost', { count: result.cost.parts, parts: f.number(result.cost.parts), quota: f.number(result.cost.quota_parts), provision: f.money(result.cost.provision) })}
      </p>
      <div className="table-wrap">
        <table className="table" data-testid="send-result">
          <caption className="sr-only">{t('sms.resultTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sms.recipient')}</th>
              <th scope="col">{t('sms.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {result.accepted.map((a) => (
              <tr key={a.id}>
                <td>{a.to}</td>
                <td>
                  <Link to={`/sent?id=${a.id}`}><StatusChip status={a.status} /></Link>
                </td>
              </tr>
            ))}
            {result.rejected.map((r) => (
              <tr key={`${r.index}:${r.to}`} className="rejected">
                <td>{who(r)}</td>
                <td>{t('sms.rejected')}: {refusalText(t, r.code, r.reason)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="actions">
        <Link to={`/sent?batch=${result.batch_id}`}>{t('sms.followInSent')}</Link>
        <button onClick={onAnother}>{t('sms.another')}</button>
      </p>
    </main>
  );
}
