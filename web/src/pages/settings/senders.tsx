import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, post, put } from '../../api';
import { ErrorNote, Field, FieldError, splitError, Status, useLoad } from '../../components/ui';
import { senderLabel } from '../../senders';
import { useSession } from '../../session';
import type { SenderChoice, Senders as SendersData } from '../../types';

/** Sender IDs: registered names, one's own verified mobile, and the defaults. */
export function Senders() {
  const { t } = useTranslation();
  const s = useSession();
  const senders = useLoad((signal) => get<SendersData>('/v1/senders', signal), []);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const act = (message: string, fn: () => Promise<unknown>) => {
    setError(null);
    setDone(null);
    return fn().then(() => {
      setDone(message);
      senders.reload();
    }, setError);
  };
  const label = (c: SenderChoice) => senderLabel(t, c);
  const choices = senders.data?.data ?? [];
  const d = senders.data?.default;
  // A refused number's or name's reason goes under the field where it was typed.
  const beside = splitError(error, t, ['number', 'name']);
  return (
    <section aria-labelledby="senders-title">
      <h2 id="senders-title">{t('settings.senders')}</h2>
      <ErrorNote error={senders.error ?? beside.rest} fields={{ number: t('profile.mobile'), name: t('senders.nameLabel'), sender: t('senders.defaults'), code: t('senders.code') }} />
      {done && <Status>{done}</Status>}
      <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('senders.sender')}</th>
            <th scope="col">{t('senders.replies')}</th>
            <th scope="col"><span className="sr-only">{t('common.actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          {choices.map((c) => (
            <tr key={`${c.kind}:${c.value}`}>
              <td>
                {label(c)}{!c.usable && ` — ${t('senders.unverified')}`}
                {c.meets_name_rule === false && <><br /><small className="hint" data-testid="outdated-name">{t('reasons.nameBeforeRule')}</small></>}
              </td>
              <td>{c.repliable ? t('senders.repliesInbox') : t('senders.noReplies')}</td>
              <td className="row-actions">
                {!c.usable && c.id && <VerifyCode id={c.id} onDone={() => act(t('senders.verified'), async () => undefined)} />}
                {c.id && <button onClick={() => void act(t('senders.removed'), () => del(`/v1/senders/${c.id}`))} aria-label={t('senders.deleteNamed', { name: label(c) })}>{t('common.delete')}</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <div className="two">
        <form className="card" onSubmit={(e: FormEvent<HTMLFormElement>) => {
          e.preventDefault();
          const form = e.currentTarget;
          const number = new FormData(form).get('number');
          void act(t('senders.codeSent'), () => post('/v1/senders/mobiles', { number }).then(() => form.reset()));
        }}>
          <h3>{t('senders.ownMobile')}</h3>
          <Field label={t('profile.mobile')} hint={t('profile.mobileHint')} error={beside.at('number')} name="number" type="tel" required />
          <button>{t('senders.sendCode')}</button>
        </form>
        {s.can('account:write') && (
          <form className="card" onSubmit={(e: FormEvent<HTMLFormElement>) => {
            e.preventDefault();
            const form = e.currentTarget;
            void act(t('senders.nameAdded'), () => post('/v1/senders/names', { name: new FormData(form).get('name') }).then(() => form.reset()));
          }}>
            <h3>{t('senders.name')}</h3>
            {/* No maxLength: the browser would cut a 12th character silently; the API refuses it with its reason. */}
            <Field label={t('senders.nameLabel')} hint={t('senders.nameHint')} error={beside.at('name')} name="name" required />
            <button>{t('senders.addName')}</button>
          </form>
        )}
      </div>
      <h3>{t('senders.defaults')}</h3>
      <div className="two">
        <DefaultPicker key={`mine:${d?.user}`} label={t('senders.myDefault')} value={d?.user ?? ''} choices={choices} onSave={(v) => act(t('common.saved'), () => put('/v1/senders/my-default', { sender: v || null }))} />
        {s.can('account:write') && (
          <DefaultPicker key={`account:${d?.account}`} label={t('senders.accountDefault')} value={d?.account ?? ''} choices={choices} onSave={(v) => act(t('common.saved'), () => put('/v1/senders/default', { sender: v || null }))} />
        )}
      </div>
      {d && <p className="hint">{t('senders.installationDefault', { value: d.installation })}</p>}
    </section>
  );
}

function DefaultPicker({ label, value, choices, onSave }: { label: string; value: string; choices: SenderChoice[]; onSave: (v: string) => void }) {
  const { t } = useTranslation();
  const [v, setV] = useState(value);
  const id = useId();
  return (
    <form className="card" onSubmit={(e) => { e.preventDefault(); onSave(v); }}>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <select id={id} value={v} onChange={(e) => setV(e.target.value)}>
          <option value="">{t('senders.none')}</option>
          {choices.filter((c) => c.usable).map((c) => <option key={`${c.kind}:${c.value}`} value={c.kind === 'pool' ? 'pool' : c.value}>{senderLabel(t, c)}</option>)}
        </select>
      </div>
      <button>{t('common.save')}</button>
    </form>
  );
}

function VerifyCode({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const beside = splitError(error, t, ['code']);
  return (
    <form className="inline" onSubmit={(e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      post(`/v1/senders/mobiles/${id}/verify`, { code: new FormData(e.currentTarget).get('code') }).then(onDone, setError);
    }}>
      <label htmlFor={`code-${id}`}>{t('senders.code')}</label>
      <input id={`code-${id}`} name="code" inputMode="numeric" autoComplete="one-time-code" required size={8}
        aria-invalid={beside.at('code') ? true : undefined} aria-describedby={beside.at('code') ? `code-${id}-error` : undefined} />
      <button>{t('senders.verify')}</button>
      <FieldError id={`code-${id}-error`} error={beside.at('code')} />
      <ErrorNote error={beside.rest} />
    </form>
  );
}
