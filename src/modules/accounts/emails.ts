// Texts of the emails this module sends. Plain text only: nothing from the
// user is ever interpreted as markup or template code.
export function passwordResetEmail(link: string) {
  return {
    subject: 'Reset your Herald password',
    text: `Someone asked to reset the password of your Herald account.\n\nTo choose a new password, open this link within 30 minutes:\n${link}\n\nIf it was not you, ignore this email: your password stays as it is.\n`,
  };
}

export function invitationEmail(link: string, accountName: string) {
  return {
    subject: `You are invited to ${accountName.replace(/[\r\n]+/g, ' ')} on Herald`,
    text: `You have been given access to the Herald account "${accountName}".\n\nTo choose your password and sign in, open this link within 7 days:\n${link}\n`,
  };
}
