import { useContext, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api';
import { MessageCounter } from '../components/counter';
import { RecipientList, RecipientSearch, recipientKey, toItem, type Recipient } from '../components/recipients';
import { StatusChip } from '../components/status';
import { ErrorNote, PageHeader, useLoad } from '../components/ui';
import { FormatContext, useFormat, zonedToIso } from '../format';
import { refusalKey, refusalText } from '../reasons';
import { Link, useLocation } from '../router';
import type { Preview, SendResult, Senders } from '../types';

/** Checks one typed number with the preview endpoint: its E.164 form, or the reason it is refused. */
async function checkNumber(typed: string): Promise<{ ok: true; number: string } | { ok: false; code: string | null; reason: string }> {
  const p = await post<Preview>('/v1/messages/preview', { text: '', to: [typed] });
  const r = p.recipients[0];
  if (!r) return { ok: false, code: null, reason: typed };
  return r.problem ? { ok: false, code: r.problem_code, reason: r.problem } : { ok: true, number: r.to };
}

export function Sms() {
  const { t } = useTranslation();
  const f = useFormat();
  const { timeZone } = useContext(FormatContext);
  const loc = useLocation();
  const [recipients, setRecipients] = useState<Recipient[]>([]);
  const [mobile, setMobile] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [sender, setSender] = useState<string>('');
  const [later, setLater] = useState(false);
  const [sendAt, setSendAt] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SendResult | null>(null);
  const senders = useLoad((signal) => get<Senders>('/v1/senders', signal), []);
  const prefilled = useRef(false);

  const add = (r: Recipient) => setRecipients((list) => (list.some((x) => recipientKey(x) === recipientKey(r)) ? list : [...list, r]));

  const addTyped = async (typed: string) => {
    setRefusal(null);
    if (!typed.trim()) return;
    try {
      const checked = await checkNumber(typed.trim());
      if (checked.ok) {
        add({ kind: 'number', number: checked.number });
        setMobile('');
      } else {
        const key = refusalKey(checked.code);
        setRefusal(key ? t('sms.refused', { number: typed.trim(), reason: t(key) }) : checked.reason);
      }
    } catch (err) {
      setError(err);
    }
  };

  // /sms?to=+32… (a mobile clicked in Contacts) fills in that recipient.
  useEffect(() => {
    const to = loc.query.get('to');
    if (to && !prefilled.current) {
      prefilled.current = true;
      void addTyped(to);
    }
  }, []);

  // The live count: asked again a moment after each keystroke.
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      post<Preview>('/v1/messages/preview', { text }, { signal: controller.signal }).then(setPreview, () => undefined);
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  useEffect(() => {
    const d = senders.data?.default;
    if (d && !sender) setSender(d.user ?? d.account ?? d.installation);
  }, [senders.data, sender]);

  const choices = senders.data?.data ?? [];
  const chosen = choices.find((c) => c.value === sender) ?? (sender === 'pool' ? choices.find((c) => c.kind === 'pool') : undefined);
  const count = recipients.reduce((n, r) => n + (r.kind === 'list' ? r.members : 1), 0);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const body = {
        to: recipients.map(toItem),
        text,
        ...(sender && { sender }),
        ...(later && sendAt && { send_at: zonedToIso(sendAt, timeZone) }),
      };
      // One key per click: a retried request is never sent twice.
      setResult(await post<SendResult>('/v1/messages', body, { headers: { 'idempotency-key': crypto.randomUUID() } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (result) return <SendOutcome result={result} onAnother={() => { setResult(null); setRecipients([]); setText(''); }} />;

  return (
    <main id="main">
      <PageHeader title={t('sms.title')} />
      <form onSubmit={send} className="sms-form">
        <fieldset>
          <legend>{t('sms.to')}</legend>
          <div className="inline">
            <label htmlFor="mobile">{t('sms.mobile')}</label>
            <input
              id="mobile"
              type="tel"
              inputMode="tel"
              autoComplete="off"
              value={mobile}
              placeholder="+32 475 12 34 56"
              aria-describedby="mobile-note"
              aria-invalid={refusal ? true : undefined}
              onChange={(e) => setMobile(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void addTyped(mobile);
                }
              }}
            />
            <button type="button" onClick={() => void addTyped(mobile)}>{t('sms.add')}</button>
          </div>
          <small id="mobile-note" className={refusal ? 'error' : 'hint'} role={refusal ? 'alert' : undefined}>
            {refusal ?? t('sms.mobileHint')}
          </small>
          <RecipientList items={recipients} onRemove={(r) => setRecipients((list) => list.filter((x) => recipientKey(x) !== recipientKey(r)))} />
          <details>
            <summary>{t('sms.searchTitle')}</summary>
            <RecipientSearch onPick={add} />
          </details>
        </fieldset>

        <div className="field">
          <label htmlFor="text">{t('sms.message')}</label>
          <textarea id="text" rows={5} value={text} onChange={(e) => setText(e.target.value)} aria-describedby="counter" />
        </div>
        <div id="counter">
          <MessageCounter text={text} preview={preview} recipients={count} />
        </div>

        <div className="field">
          <label htmlFor="sender">{t('sms.sender')}</label>
          <select id="sender" value={sender} onChange={(e) => setSender(e.target.value)}>
            {choices.map((c) => (
              <option key={`${c.kind}:${c.value}`} value={c.value} disabled={!c.usable}>
                {t(`senders.kind.${c.kind}`, { value: c.value })}
                {!c.repliable ? ` — ${t('senders.noReplies')}` : ''}
                {!c.usable ? ` — ${t('senders.unverified')}` : ''}
              </option>
            ))}
            {sender && !choices.some((c) => c.value === sender) && <option value={sender}>{sender}</option>}
          </select>
          {chosen?.kind === 'pool' && <small className="hint" data-testid="sign-hint">{t('sms.signHint')}</small>}
        </div>

        <div className="field checkbox">
          <input id="later" type="checkbox" checked={later} onChange={(e) => setLater(e.target.checked)} />
          <label htmlFor="later">{t('sms.later')}</label>
        </div>
        {later && (
          <div className="field">
            <label htmlFor="send-at">{t('sms.sendAt', { zone: timeZone })}</label>
            <input id="send-at" type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.target.value)} required />
          </div>
        )}
        <ErrorNote error={error} />
        <button className="primary" disabled={busy || recipients.length === 0 || !text.trim()}>
          {busy ? t('sms.sending') : t('sms.send')}
        </button>
        {recipients.length > 0 && <p className="hint">{t('sms.about', { count, cost: f.money((preview?.cost_per_recipient ?? 0) * count) })}</p>}
      </form>
    </main>
  );
}

function SendOutcome({ result, onAnother }: { result: SendResult; onAnother: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <main id="main">
      <PageHeader title={t('sms.resultTitle')} />
      <p role="status">
        {t('sms.resultSummary', { accepted: result.accepted.length, rejected: result.rejected.length })}{' '}
        {t('sms.resultCost', { parts: result.cost.parts, quota: result.cost.quota_parts, provision: f.money(result.cost.provision) })}
      </p>
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
              <td>{r.to}</td>
              <td>{t('sms.rejected')}: {refusalText(t, r.code, r.reason)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="actions">
        <Link to={`/sent?batch=${result.batch_id}`}>{t('sms.followInSent')}</Link>
        <button onClick={onAnother}>{t('sms.another')}</button>
      </p>
    </main>
  );
}
