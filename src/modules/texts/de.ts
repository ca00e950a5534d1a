import type { Texts } from './catalogue.js';

export const de: Texts = {
  verificationSms: (code, minutes) => `Ihr Herald-Code lautet ${code}. Er läuft in ${minutes} Minuten ab. Falls Sie ihn nicht angefordert haben, ignorieren Sie diese Nachricht.`,
  passwordReset: (link, minutes) => ({
    subject: 'Ihr Herald-Passwort zurücksetzen',
    text: `Jemand hat darum gebeten, das Passwort Ihres Herald-Kontos zurückzusetzen.\n\nUm ein neues Passwort zu wählen, öffnen Sie innerhalb von ${minutes} Minuten diesen Link:\n${link}\n\nWaren Sie das nicht, ignorieren Sie diese E-Mail: Ihr Passwort bleibt, wie es ist.\n`,
  }),
  invitation: (link, accountName, days) => ({
    subject: `Sie sind zu ${accountName} auf Herald eingeladen`,
    text: `Sie haben Zugang zum Herald-Konto „${accountName}“ erhalten.\n\nUm Ihr Passwort zu wählen und sich anzumelden, öffnen Sie innerhalb von ${days} Tagen diesen Link:\n${link}\n`,
  }),
  creditLow: (available, threshold) => ({
    subject: 'Ihr Herald-Guthaben wird knapp',
    text: `Das gekaufte Guthaben Ihres Herald-Kontos ist auf ${available} gesunken, unter die ${threshold}, bei denen Sie benachrichtigt werden wollten.\n\n` +
      'Laden Sie es auf, um weiter zu senden. Sie hören erst wieder von uns, wenn das Guthaben wieder über diesen Betrag gestiegen und erneut darunter gefallen ist.\n',
  }),
  forwardedReply: {
    subject: (from) => `SMS von ${from}`,
    from: 'Von',
    to: 'An',
    received: 'Empfangen',
    incomplete: 'Einige Teile dieser Nachricht sind nie angekommen.',
  },
};
