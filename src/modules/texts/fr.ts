import type { Texts } from './catalogue.js';

export const fr: Texts = {
  verificationSms: (code, minutes) => `Votre code Herald est ${code}. Il expire dans ${minutes} minutes. Si vous ne l'avez pas demandé, ignorez ce message.`,
  passwordReset: (link, minutes) => ({
    subject: 'Réinitialisez votre mot de passe Herald',
    text: `Quelqu'un a demandé la réinitialisation du mot de passe de votre compte Herald.\n\nPour choisir un nouveau mot de passe, ouvrez ce lien dans les ${minutes} minutes :\n${link}\n\nSi ce n'était pas vous, ignorez cet e-mail : votre mot de passe reste inchangé.\n`,
  }),
  invitation: (link, accountName, days) => ({
    subject: `Vous êtes invité à ${accountName} sur Herald`,
    text: `Vous avez reçu l'accès au compte Herald « ${accountName} ».\n\nPour choisir votre mot de passe et vous connecter, ouvrez ce lien dans les ${days} jours :\n${link}\n`,
  }),
  creditLow: (available, threshold) => ({
    subject: 'Votre crédit Herald s\'épuise',
    text: `Le crédit acheté de votre compte Herald est descendu à ${available}, sous les ${threshold} pour lesquels vous vouliez être prévenu.\n\n` +
      'Rechargez-le pour continuer à envoyer. Vous n\'aurez de nos nouvelles qu\'une fois le crédit remonté au-dessus de ce montant puis redescendu en dessous.\n',
  }),
  forwardedReply: {
    subject: (from) => `SMS de ${from}`,
    from: 'De',
    to: 'À',
    received: 'Reçu',
    incomplete: 'Certaines parties de ce message ne sont jamais arrivées.',
  },
};
