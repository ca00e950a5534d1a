import type { Texts } from './catalogue.js';

export const en: Texts = {
  verificationSms: (code, minutes) => `Your Herald code is ${code}. It expires in ${minutes} minutes. If you did not ask for it, ignore this message.`,
  passwordReset: (link, minutes) => ({
    subject: 'Reset your Herald password',
    text: `Someone asked to reset the password of your Herald account.\n\nTo choose a new password, open this link within ${minutes} minutes:\n${link}\n\nIf it was not you, ignore this email: your password stays as it is.\n`,
  }),
  invitation: (link, accountName, days) => ({
    subject: `You are invited to ${accountName} on Herald`,
    text: `You have been given access to the Herald account "${accountName}".\n\nTo choose your password and sign in, open this link within ${days} days:\n${link}\n`,
  }),
  creditLow: (available, threshold) => ({
    subject: 'Your Herald credit is running low',
    text: `The bought credit of your Herald account is down to ${available}, below the ${threshold} you asked to be told about.\n\n` +
      'Top up to keep sending. You will hear from us again only after the credit has gone back above that amount and fallen below it once more.\n',
  }),
  forwardedReply: {
    subject: (from) => `SMS from ${from}`,
    from: 'From',
    to: 'To',
    received: 'Received',
    incomplete: 'Some parts of this message never arrived.',
  },
};
