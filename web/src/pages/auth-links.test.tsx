import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { apiError, fakeApi } from '../test-kit';

const unauthenticated = () => apiError(401, 'unauthenticated', 'Sign in');
const deadLink = () => apiError(404, 'invalid_token', 'This link is not valid any more', { field: 'token' });

afterEach(() => {
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/');
});

describe('one-time links that cannot be used any more', () => {
  it('says setup is done, with a link to sign in, instead of the setup form', async () => {
    history.replaceState(null, '', '/setup#token=tok_old');
    fakeApi({ 'GET /v1/auth/session': unauthenticated, 'GET /v1/setup': { needed: false } });
    render(<App />);
    expect(await screen.findByText('Herald is set up already: its owner exists.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Go to sign-in' }).getAttribute('href')).toBe('/');
    expect(screen.queryByLabelText('Organisation')).toBeNull();
  });

  it('still shows the setup form while setup is needed', async () => {
    history.replaceState(null, '', '/setup#token=tok_1');
    fakeApi({ 'GET /v1/auth/session': unauthenticated, 'GET /v1/setup': { needed: true } });
    render(<App />);
    expect(await screen.findByLabelText('Organisation')).toBeTruthy();
  });

  it('says a used or expired reset link is so before a password is typed, with a way to ask for a new one', async () => {
    history.replaceState(null, '', '/reset-password#token=used_1');
    const calls = fakeApi({ 'GET /v1/auth/session': unauthenticated, 'GET /v1/setup': { needed: false }, 'POST /v1/auth/token-info': deadLink });
    render(<App />);
    expect((await screen.findByRole('alert')).textContent).toBe('This link has been used already or has expired.');
    expect(screen.getByRole('link', { name: 'Ask for a new link' }).getAttribute('href')).toBe('/forgot-password');
    expect(screen.queryByLabelText('New password')).toBeNull();
    expect(calls.find((c) => c.url === '/v1/auth/token-info')!.body).toEqual({ token: 'used_1' });
  });

  it('shows the password form for a link still valid', async () => {
    history.replaceState(null, '', '/reset-password#token=good_1');
    fakeApi({ 'GET /v1/auth/session': unauthenticated, 'GET /v1/setup': { needed: false }, 'POST /v1/auth/token-info': { purpose: 'password_reset', email: 'o@example.com' } });
    render(<App />);
    expect(await screen.findByText('For o@example.com')).toBeTruthy();
    expect(screen.getByLabelText('New password')).toBeTruthy();
  });
});
