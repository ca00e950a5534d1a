import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accounts from '../../src/modules/accounts/index.js';
import * as creditAlerts from '../../src/modules/credit-alerts/index.js';
import * as mail from '../../src/modules/mail/index.js';
import { decodeGsm7 } from '../../src/modules/sms-text/index.js';
import { createTestApp, json, requester, type TestApp } from '../helpers/app.js';
import { createMember, createOwner, uniqueEmail, type TestUser } from '../helpers/factories.js';
import { fund, startSmsWorld } from '../helpers/sms-world.js';

/** Herald's own SMS and emails go out in the language of the one who reads them. */
describe('the recipient\'s language', () => {
  let t: TestApp;
  let world: Awaited<ReturnType<typeof startSmsWorld>>;
  let owner: TestUser;
  const call = requester(() => t);
  const outbox = async (to: string) => mail.listOutbox(t.db, { to, limit: 10 }, { revealLiveTokens: true });
  const speak = async (user: TestUser, locale: string) => expect((await call(user.caller, 'PATCH', '/v1/me', { locale })).statusCode).toBe(200);

  beforeAll(async () => {
    t = await createTestApp();
    world = await startSmsWorld(t);
    owner = await createOwner(t.app, t.db, 'Taal BV');
  });
  afterAll(async () => {
    await world.close();
    await t.close();
  });

  it('sends a Dutch user their verification code in Dutch, as the SMS centre receives it', async () => {
    await speak(owner, 'nl');
    const number = '+32475410001';
    expect((await call(owner.caller, 'POST', '/v1/senders/mobiles', { number })).statusCode).toBe(202);
    await world.pump(async () => world.simulator.submits.some((s) => s.destination === number.slice(1)));
    const submit = world.simulator.submits.find((s) => s.destination === number.slice(1))!;
    expect(submit.dataCoding).toBe(0);
    expect(decodeGsm7(submit.shortMessage)).toMatch(/^Uw Herald-code is \d{6}\. Hij vervalt over 10 minuten\./);
  });

  it('sends a German user the password reset email in German', async () => {
    const member = await createMember(t.app, owner);
    await speak(member, 'de');
    await t.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', payload: { email: member.email } });
    await accounts.sendPasswordResets(t.db);
    const [email] = await outbox(member.email);
    expect(email!.subject).toBe('Ihr Herald-Passwort zurücksetzen');
    expect(email!.text_body).toMatch(/öffnen Sie innerhalb von 30 Minuten diesen Link:\nhttp:\/\/herald\.test\/reset-password#token=[\w-]+\n/);
  });

  it('invites in the language chosen for the invitee, else in the inviter\'s', async () => {
    const inviter = await createMember(t.app, owner, 'admin');
    await speak(inviter, 'fr');
    const chosen = uniqueEmail('de');
    const invited = await call(inviter.caller, 'POST', '/v1/users', { email: chosen, role: 'member', locale: 'de' });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(json(invited).user.locale).toBe('de');
    expect((await outbox(chosen))[0]!.subject).toBe('Sie sind zu Taal BV auf Herald eingeladen');

    const unsaid = uniqueEmail('fr');
    expect(json(await call(inviter.caller, 'POST', '/v1/users', { email: unsaid, role: 'member' })).user.locale).toBe('fr');
    expect((await outbox(unsaid))[0]!.text_body).toContain('Vous avez reçu l\'accès au compte Herald « Taal BV »');

    const refused = await call(inviter.caller, 'POST', '/v1/users', { email: uniqueEmail('pt'), role: 'member', locale: 'pt' });
    expect(refused.statusCode).toBe(400);
    expect(json(refused).error.field).toMatch(/locale/);
  });

  it('tells each administrator of low credit in their own language, amounts written their way', async () => {
    const boss = await createOwner(t.app, t.db, 'Kredit AG');
    const admin = await createMember(t.app, boss, 'admin');
    await speak(boss, 'nl');
    await speak(admin, 'de');
    await fund(t, boss.accountId, 100_050n);
    expect((await call(boss.caller, 'PUT', '/v1/credit/alert', { threshold: 150_000 })).statusCode).toBe(200);
    expect(await creditAlerts.checkCreditAlerts(t.db)).toBeGreaterThanOrEqual(1);
    const [dutch] = await outbox(boss.email);
    expect(dutch!.subject).toBe('Uw Herald-tegoed raakt op');
    expect(dutch!.text_body).toContain('gedaald tot €\u00a01.000,50, onder de €\u00a01.500,00');
    expect((await outbox(admin.email))[0]!.subject).toBe('Ihr Herald-Guthaben wird knapp');
  });

  it('writes to an address it does not know in the account\'s language, its owner\'s', async () => {
    const other = await createOwner(t.app, t.db, 'Sprache GmbH');
    await speak(other, 'de');
    expect(await accounts.recipientLocale(t.db, other.accountId, 'stranger@example.org')).toBe('de');
    expect(await accounts.recipientLocale(t.db, other.accountId, owner.email)).toBe('nl');
  });
});
