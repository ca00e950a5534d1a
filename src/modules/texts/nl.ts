import type { Texts } from './catalogue.js';

export const nl: Texts = {
  verificationSms: (code, minutes) => `Uw Herald-code is ${code}. Hij vervalt over ${minutes} minuten. Hebt u er niet om gevraagd, negeer dit bericht dan.`,
  passwordReset: (link, minutes) => ({
    subject: 'Stel uw Herald-wachtwoord opnieuw in',
    text: `Iemand heeft gevraagd het wachtwoord van uw Herald-account opnieuw in te stellen.\n\nOpen binnen ${minutes} minuten deze link om een nieuw wachtwoord te kiezen:\n${link}\n\nWas u het niet? Negeer dan deze e-mail: uw wachtwoord blijft zoals het is.\n`,
  }),
  invitation: (link, accountName, days) => ({
    subject: `U bent uitgenodigd voor ${accountName} op Herald`,
    text: `U hebt toegang gekregen tot het Herald-account "${accountName}".\n\nOpen binnen ${days} dagen deze link om uw wachtwoord te kiezen en u aan te melden:\n${link}\n`,
  }),
  creditLow: (available, threshold) => ({
    subject: 'Uw Herald-tegoed raakt op',
    text: `Het gekochte tegoed van uw Herald-account is gedaald tot ${available}, onder de ${threshold} waarvoor u een melding wilde.\n\n` +
      'Vul het aan om te blijven versturen. U hoort pas weer van ons als het tegoed eerst weer boven dat bedrag is gekomen en er opnieuw onder zakt.\n',
  }),
  forwardedReply: {
    subject: (from) => `Sms van ${from}`,
    from: 'Van',
    to: 'Aan',
    received: 'Ontvangen',
    incomplete: 'Sommige delen van dit bericht zijn nooit aangekomen.',
  },
};
