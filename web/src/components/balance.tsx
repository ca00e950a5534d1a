import { useTranslation } from 'react-i18next';
import { useCredit } from '../credit-events';
import { useFormat } from '../format';
import { Link, useLocation } from '../router';

/**
 * The balance in the header: included SMS left (when the plan has any) and
 * bought credit, read again on every page and after a send or a top-up. Short
 * enough for a phone's header; the link's name says it in full.
 */
export function HeaderBalance({ accountId }: { accountId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { path } = useLocation();
  const credit = useCredit([path, accountId]);
  // A subaccount spends its parent's credit and sees none of it.
  if (!credit?.provision) return null;
  const quota = credit.quota && credit.quota.monthly > 0 ? credit.quota.remaining : null;
  const money = f.money(credit.provision.available);
  const full = quota === null ? t('firstRun.balance.money', { money }) : t('firstRun.balance.full', { n: f.number(quota), money });
  return (
    <Link to="/settings/credit" className="balance" data-testid="header-balance" aria-label={full} title={full}>
      {quota !== null && <span>{t('firstRun.balance.sms', { n: f.number(quota) })}</span>}
      <span>{money}</span>
    </Link>
  );
}
