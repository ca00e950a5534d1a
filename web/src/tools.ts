/** The tools on the home page and in the navigation, in this order. */
export const TOOLS = ['sms', 'contacts', 'lists', 'sent', 'inbox', 'settings'] as const;
