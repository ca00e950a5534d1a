import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import i18n from './i18n';
import { takeFakeProblems } from './test-kit';

void i18n.changeLanguage('en');
afterEach(() => {
  cleanup();
  // A fake that strays from the API fails its test even when the app shrugged the error off.
  const problems = takeFakeProblems();
  if (problems.length) throw new Error(`The test's fake API strays from the OpenAPI spec:\n${problems.join('\n')}`);
});
