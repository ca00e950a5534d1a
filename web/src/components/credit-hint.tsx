import { useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { useCredit } from '../credit-events';
import { Link } from '../router';
import { SessionContext } from '../session';

/**
 * Where credit comes from, next to every "not enough credit": the credit page
 * for those who may add it (the operator), else whom to ask.
 */
export function CreditHint() {
  const { t } = useTranslation();
  const s = useContext(SessionContext);
  if (!s) return null;
  if (s.can('operator')) return <Link to="/settings/credit" className="credit-hint">{t('firstRun.addCredit')}</Link>;
  return (
    <span className="credit-hint">
      {t(s.can('account:write') ? 'firstRun.askOperator' : 'firstRun.askOwner')}{' '}
      <Link to="/settings/credit">{t('firstRun.seeCredit')}</Link>
    </span>
  );
}

/**
 * Warns before sending that the credit will not pay for it: the included SMS
 * go first, the rest is paid from bought credit (as the server holds it).
 */
export function CreditShortfall({ parts, cost }: { parts: number; cost: number }) {
  const { t } = useTranslation();
  const credit = useCredit([]);
  if (!credit?.provision || parts === 0) return null;
  const included = Math.min(parts, credit.quota?.remaining ?? 0);
  const fromProvision = Math.ceil((cost * (parts - included)) / parts);
  if (fromProvision <= credit.provision.available) return null;
  return (
    <p className="error-note" role="alert" data-testid="credit-shortfall">
      {t('firstRun.shortfall')} <CreditHint />
    </p>
  );
}
