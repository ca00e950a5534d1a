import { Suspense, lazy, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, put, query } from '../../api';
import { ErrorNote, Field, splitError, Status, useLoad } from '../../components/ui';
import { creditChanged } from '../../credit-events';
import { monthStart, useFormat } from '../../format';
import { useSession } from '../../session';
import type { Credit as CreditData, UsagePoint } from '../../types';

// The charting library is loaded with this page only, not with the whole app.
const QuotaChart = lazy(() => import('./quota-chart').then((m) => ({ default: m.QuotaChart })));


export function Credit() {
  const { t } = useTranslation();
  const f = useFormat();
  const s = useSession();
  const credit = useLoad((signal) => get<CreditData>('/v1/credit', signal), []);
  const alert = useLoad((signal) => get<{ threshold: number | null; below: boolean }>('/v1/credit/alert', signal), []);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const operator = s.can('operator');
  const toMinor = (v: FormDataEntryValue | null) => f.currency.toMinor(String(v ?? ''));
  const step = String(10 ** -f.currency.digits);

  const act = (message: string, fn: () => Promise<unknown>) => {
    setError(null);
    setDone(null);
    fn().then(() => {
      setDone(message);
      creditChanged();
      credit.reload();
      alert.reload();
    }, setError);
  };
  const topUp = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const amount = toMinor(new FormData(form).get('amount'));
    act(t('credit.toppedUp'), () => post(`/v1/admin/accounts/${s.acting.id}/top-up`, { amount, note: 'web' }).then(() => form.reset()));
  };
  const plan = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const monthly = Number(new FormData(e.currentTarget).get('monthly'));
    act(t('credit.planSaved'), () => put(`/v1/admin/accounts/${s.acting.id}/plan`, { monthly_quota: monthly }));
  };
  const saveAlert = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get('threshold') ?? '');
    act(t('credit.alertSaved'), () => put('/v1/credit/alert', { threshold: v === '' ? null : toMinor(v) }));
  };

  const c = credit.data;
  const beside = splitError(error, t, ['amount', 'monthly_quota', 'threshold']);
  return (
    <section aria-labelledby="credit-title">
      <h2 id="credit-title">{t('settings.credit')}</h2>
      <ErrorNote error={credit.error ?? beside.rest} />
      {done && <Status>{done}</Status>}
      {c && (
        // The period's end is exclusive (the next period's start): the last day shown is the day before, on the account's calendar.
        <dl className="facts" data-testid="balances">
          {c.quota && (
            <>
              <dt>{t('credit.quota')}</dt>
              <dd>{t('credit.quotaValue', { remaining: f.number(c.quota.remaining), monthly: f.number(c.quota.monthly) })}{c.quota.period_end && ` — ${t('credit.until', { date: f.dateIn(new Date(Date.parse(c.quota.period_end) - 1).toISOString(), s.acting.timezone) })}`}</dd>
            </>
          )}
          {c.provision && (
            <>
              <dt>{t('credit.provision')}</dt>
              <dd>{f.money(c.provision.available)}{c.provision.held > 0 && ` (${t('credit.held', { amount: f.money(c.provision.held) })})`}</dd>
            </>
          )}
          {c.spending && (
            <>
              <dt>{t('credit.spending')}</dt>
              <dd>{c.spending.limit === null ? t('credit.spentNoLimit', { spent: f.money(c.spending.spent) }) : t('credit.spentOf', { spent: f.money(c.spending.spent), limit: f.money(c.spending.limit) })}</dd>
            </>
          )}
        </dl>
      )}
      <p className="hint">{t('credit.validity')}</p>
      {operator && c?.provision ? (
        <div className="two">
          <form className="card" onSubmit={topUp} aria-label={t('credit.topUp')}>
            <Field label={t('credit.amount', { currency: f.currency.code })} name="amount" error={beside.at('amount')} type="number" min={step} step={step} inputMode="decimal" required />
            <button className="primary">{t('credit.topUp')}</button>
          </form>
          <form className="card" onSubmit={plan} aria-label={t('credit.plan')}>
            <Field label={t('credit.monthly')} name="monthly" error={beside.at('monthly_quota')} type="number" min="0" step="1" defaultValue={c?.quota?.monthly ?? 0} required />
            <button>{t('credit.setPlan')}</button>
          </form>
        </div>
      ) : (
        <p>{t('credit.askOperator')}</p>
      )}
      {c?.provision && (
        <form className="card" onSubmit={saveAlert} aria-label={t('credit.alert')}>
          <Field label={t('credit.alert')} hint={t('credit.alertHint')} name="threshold" error={beside.at('threshold')} type="number" min="0" step={step} key={alert.data?.threshold ?? 'none'} defaultValue={alert.data?.threshold == null ? '' : f.currency.fromMinor(alert.data.threshold)} />
          <button>{t('common.save')}</button>
        </form>
      )}
    </section>
  );
}

export function Quotas() {
  const { t } = useTranslation();
  const f = useFormat();
  // The server counts months as the account's calendar has them, so the graph does too.
  const zone = useSession().acting.timezone;
  const [months, setMonths] = useState(6);
  const usage = useLoad((signal) => {
    const now = new Date();
    return get<{ data: UsagePoint[] }>(`/v1/credit/usage${query({ from: monthStart(now, months - 1, zone), to: now.toISOString(), interval: 'month' })}`, signal);
  }, [months, zone]);
  return (
    <section aria-labelledby="quotas-title">
      <h2 id="quotas-title">{t('settings.quotas')}</h2>
      <p>{t('credit.graphIntro')}</p>
      <div className="field">
        <label htmlFor="months">{t('credit.months')}</label>
        <select id="months" value={months} onChange={(e) => setMonths(Number(e.target.value))}>
          {[3, 6, 12].map((m) => <option key={m} value={m}>{t('credit.lastMonths', { count: m, n: f.number(m) })}</option>)}
        </select>
      </div>
      <ErrorNote error={usage.error} />
      {usage.data && (
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
          <QuotaChart points={usage.data.data} timeZone={zone} />
        </Suspense>
      )}
    </section>
  );
}
