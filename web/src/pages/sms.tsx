import { useContext, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../api';
import { MessageCounter, TEXT_PROBLEM_ID, type Cost } from '../components/counter';
import { CreditShortfall } from '../components/credit-hint';
import { creditChanged } from '../credit-events';
import { RecipientList, RecipientSearch, recipientKey, toItem, type Recipient } from '../components/recipients';
import { SendOutcome } from '../components/send-outcome';
import { Announcer, ErrorNote, FieldError, PageHeader, splitError, useAnnouncement, useLoad } from '../components/ui';
import type { FieldLabels } from '../errors';
import { FormatContext, useFormat, zonedToIso } from '../format';
import { refusalKey } from '../reasons';
import { senderLabel, shouldSign, isInstallationNumber } from '../senders';
import { useLocation } from '../router';
import type { Preview, SendResult, Senders } from '../types';

/** How long a send may take before the page gives up waiting (the key is kept, so trying again cannot send twice). */
const SEND_TIMEOUT_MS = 60_000;

/** Checks one typed number with the preview endpoint: its E.164 form, or the reason it is refused. */
async function checkNumber(typed: string): Promise<{ ok: true; number: string } | { ok: false; code: string | null; reason: string }> {
  const p = await post<Preview>('/v1/messages/preview', { text: '', to: [typed] });
  const r = p.recipients[0];
  if (!r) return { ok: false, code: null, reason: typed };
  return r.problem ? { ok: false, code: r.problem_code, reason: r.problem } : { ok: true, number: r.to };
}

/** Whether a failed send may have gone through: then a retry must carry the same Idempotency-Key. */
const outcomeUnknown = (err: unknown) =>
  !(err instanceof ApiError) || err.status === 0 || err.status >= 500 || err.status === 408 || err.status === 429 || err.code === 'idempotency_in_flight';

export function Sms() {
  const { t } = useTranslation();
  const f = useFormat();
  const { timeZone } = useContext(FormatContext);
  const loc = useLocation();
  const [recipients, setRecipients] = useState<Recipient[]>([]);
  const [mobile, setMobile] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [said, announce] = useAnnouncement();
  const [text, setText] = useState('');
  const [touched, setTouched] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  // /sms?to=…&sender=…&name=… (Reply in the Inbox): answered from our number the conversation went through.
  const replyFrom = loc.query.get('sender');
  const [sender, setSender] = useState<string>(replyFrom ?? '');
  const [later, setLater] = useState(false);
  const [sendAt, setSendAt] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SendResult | null>(null);
  const senders = useLoad((signal) => get<Senders>('/v1/senders', signal), []);
  const prefilled = useRef(false);

  // One Idempotency-Key per message as composed: kept while the same message is
  // tried again after a failure, new once anything of it changes or it was sent.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const composition = JSON.stringify([recipients.map(recipientKey), text, sender, later ? sendAt : null]);
  useEffect(() => setIdempotencyKey(crypto.randomUUID()), [composition]);

  const add = (r: Recipient) => setRecipients((list) => (list.some((x) => recipientKey(x) === recipientKey(r)) ? list : [...list, r]));

  const refuse = (message: string | null) => {
    setRefusal(message);
    announce(message);
  };
  const addTyped = async (typed: string, name?: string) => {
    if (!typed.trim()) return refuse(null);
    try {
      const checked = await checkNumber(typed.trim());
      if (checked.ok) {
        refuse(null);
        add({ kind: 'number', number: checked.number, ...(name && { name }) });
        setMobile('');
      } else {
        const key = refusalKey(checked.code);
        refuse(key ? t('sms.refused', { number: typed.trim(), reason: t(key) }) : checked.reason);
      }
    } catch (err) {
      setError(err);
    }
  };

  // /sms?to=+32… (a mobile clicked in Contacts, Reply in the Inbox) fills in that recipient.
  useEffect(() => {
    const to = loc.query.get('to');
    if (to && !prefilled.current) {
      prefilled.current = true;
      void addTyped(to, loc.query.get('name') ?? undefined);
    }
  }, []);

  // The live count and price: asked again a moment after each change. Typed
  // numbers are priced one by one (their country); contacts and lists are not.
  const numbers = useMemo(() => recipients.flatMap((r) => (r.kind === 'number' ? [r.number] : [])), [recipients]);
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      post<Preview>('/v1/messages/preview', { text, ...(numbers.length > 0 && { to: numbers }) }, { signal: controller.signal }).then(setPreview, () => undefined);
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, numbers.join()]);

  useEffect(() => {
    const d = senders.data?.default;
    if (d && !sender) setSender(d.user ?? d.account ?? d.installation);
  }, [senders.data, sender]);

  const choices = senders.data?.data ?? [];
  // The preview answers for the text a moment after it changes; the API refuses what slips through meanwhile.
  const textBlocked = !!preview?.problem && preview.problem.code !== 'empty';
  const chosen = choices.find((c) => c.value === sender) ?? (sender === 'pool' ? choices.find((c) => c.kind === 'pool') : undefined);
  const count = recipients.reduce((n, r) => n + (r.kind === 'list' ? r.members : 1), 0);
  const cost = useMemo<Cost | null>(() => {
    if (!preview || count === 0) return null;
    // A preview still on its way for the numbers just added: priced as the others until it comes.
    if (preview.recipients.length !== numbers.length) return { total: count * preview.cost_per_recipient, estimate: true };
    const priced = preview.recipients.filter((r) => !r.problem);
    const unpriced = count - numbers.length;
    return { total: priced.reduce((sum, r) => sum + r.cost, 0) + unpriced * preview.cost_per_recipient, estimate: unpriced > 0 };
  }, [preview, count, numbers.length]);
  // The number a reply goes out from is the one the recipient wrote to: they know it already.
  const replying = !!replyFrom && sender === replyFrom;
  const sign = !replying && shouldSign(chosen, sender);

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
      setResult(await post<SendResult>('/v1/messages', body, { headers: { 'idempotency-key': idempotencyKey }, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) }));
      setIdempotencyKey(crypto.randomUUID());
      creditChanged();
    } catch (err) {
      setError(err);
      // Refused outright: nothing was sent, so the next try is a new request.
      if (!outcomeUnknown(err)) setIdempotencyKey(crypto.randomUUID());
    } finally {
      setBusy(false);
    }
  };

  const fields: FieldLabels = {
    to: t('sms.to'),
    'to[]': ([i = 0]) => {
      const r = recipients[i];
      return r ? (r.kind === 'number' ? r.name ?? r.number : r.name) : t('sms.to');
    },
    text: t('sms.message'),
    sender: t('sms.sender'),
    send_at: t('sms.later'),
  };

  // The text's, sender's and time's reasons go under them; a refused recipient is named above the button.
  const beside = splitError(error, t, ['text', 'sender', 'send_at']);

  if (result) return <SendOutcome result={result} recipients={recipients} onAnother={() => { setResult(null); setRecipients([]); setText(''); }} />;

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
              placeholder={t('sms.mobilePlaceholder')}
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
          <small id="mobile-note" className={refusal ? 'error' : 'hint'} data-testid="mobile-note">
            {refusal ?? t('sms.mobileHint')}
          </small>
          <Announcer message={said} assertive testId="refusal-announcer" />
          <RecipientList items={recipients} onRemove={(r) => setRecipients((list) => list.filter((x) => recipientKey(x) !== recipientKey(r)))} />
          <details>
            <summary>{t('sms.searchTitle')}</summary>
            <RecipientSearch onPick={add} />
          </details>
        </fieldset>

        <div className="field">
          <label htmlFor="text">{t('sms.message')}</label>
          <textarea id="text" rows={5} value={text} onChange={(e) => { setText(e.target.value); setTouched(true); }} aria-describedby={beside.at('text') ? 'counter text-error' : 'counter'} aria-invalid={beside.at('text') ? true : undefined} />
          <FieldError id="text-error" error={beside.at('text')} />
        </div>
        <div id="counter">
          <MessageCounter text={text} preview={preview} cost={cost} touched={touched} />
        </div>

        <div className="field">
          <label htmlFor="sender">{t('sms.sender')}</label>
          <select id="sender" value={sender} onChange={(e) => setSender(e.target.value)} aria-describedby={[sign ? 'sign-hint' : '', beside.at('sender') ? 'sender-error' : ''].filter(Boolean).join(' ') || undefined} aria-invalid={beside.at('sender') ? true : undefined}>
            {choices.map((c) => (
              <option key={`${c.kind}:${c.value}`} value={c.value} disabled={!c.usable}>
                {senderLabel(t, c)}
                {!c.repliable ? ` — ${t('senders.noReplies')}` : ''}
                {!c.usable ? ` — ${t('senders.unverified')}` : ''}
              </option>
            ))}
            {sender && !choices.some((c) => c.value === sender) && <option value={sender}>{replying ? t('replies.senderOfConversation', { value: sender }) : sender}</option>}
          </select>
          <FieldError id="sender-error" error={beside.at('sender')} />
          {sign && (
            <small className="hint" id="sign-hint" data-testid="sign-hint">
              {chosen?.kind === 'pool' ? t('sms.signHint') : t('sms.signHintInstallation', { value: chosen && isInstallationNumber(chosen) ? chosen.value : sender })}
            </small>
          )}
        </div>

        <div className="field checkbox">
          <input id="later" type="checkbox" checked={later} onChange={(e) => setLater(e.target.checked)} />
          <label htmlFor="later">{t('sms.later')}</label>
        </div>
        {later && (
          <div className="field">
            <label htmlFor="send-at">{t('sms.sendAt', { zone: timeZone })}</label>
            <input id="send-at" type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.target.value)} required aria-describedby={beside.at('send_at') ? 'send-at-error' : undefined} aria-invalid={beside.at('send_at') ? true : undefined} />
            <FieldError id="send-at-error" error={beside.at('send_at')} />
          </div>
        )}
        <ErrorNote error={beside.rest} fields={fields} />
        {/* Off while the text cannot be sent (too many parts for the account…): the counter's note says why. */}
        <button className="primary" disabled={busy || recipients.length === 0 || !text.trim() || textBlocked} aria-describedby={textBlocked ? TEXT_PROBLEM_ID : undefined}>
          {busy ? t('sms.sending') : t('sms.send')}
        </button>
        {cost && (
          <p className="hint" data-testid="send-total">
            {t(cost.estimate ? 'sms.about' : 'sms.total', { count, n: f.number(count), cost: f.money(cost.total) })}
          </p>
        )}
        {cost && preview && <CreditShortfall parts={count * preview.parts} cost={cost.total} />}
      </form>
    </main>
  );
}
