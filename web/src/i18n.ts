import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import de from './locales/de.json';
import en from './locales/en.json';
import fr from './locales/fr.json';
import nl from './locales/nl.json';

export const LANGUAGES = ['en', 'nl', 'de', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('herald.language') : null;
const fromBrowser = typeof navigator !== 'undefined' ? navigator.language.slice(0, 2) : 'en';
const initial = [stored, fromBrowser].find((l): l is Language => LANGUAGES.includes(l as Language)) ?? 'en';

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, nl: { translation: nl }, de: { translation: de }, fr: { translation: fr } },
  lng: initial,
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

// The page's language follows the app's, whoever changes it (the profile, the session's locale).
const followLanguage = (language: string) => {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
};
followLanguage(initial);
i18next.on('languageChanged', followLanguage);

export function setLanguage(language: string): void {
  if (!LANGUAGES.includes(language as Language)) return;
  localStorage.setItem('herald.language', language);
  void i18next.changeLanguage(language);
}

export default i18next;
