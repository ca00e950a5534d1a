import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { apiError, fakeApi } from './test-kit';

const unauthenticated = () => apiError(401, 'unauthenticated', 'Sign in');

afterEach(() => {
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/');
});

describe('the app before sign-in', () => {
  it('asks for the one-time link when Herald has no users yet', async () => {
    fakeApi({ 'GET /v1/auth/session': unauthenticated, 'GET /v1/setup': { needed: true } });
    render(<App />);
    expect(await screen.findByText(/Open the one-time setup link/)).toBeTruthy();
  });

  it('signs in, and says so in plain words when the password is wrong', async () => {
    fakeApi({
      'GET /v1/auth/session': unauthenticated,
      'GET /v1/setup': { needed: false },
      'POST /v1/auth/sign-in': () => apiError(401, 'invalid_credentials', 'Wrong email or password'),
    });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'a@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email or password.');
  });

  it('opens the setup page from the emailed link with its token', async () => {
    history.replaceState(null, '', '/setup#token=tok_1');
    const calls = fakeApi({ 'GET /v1/auth/session': unauthenticated, 'GET /v1/setup': { needed: true }, 'POST /v1/setup': () => apiError(400, 'invalid_token', 'This link is not valid any more', { field: 'token' }) });
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Organisation'), { target: { value: 'Acme' } });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Olivia' } });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'o@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'long enough' } });
    fireEvent.submit(screen.getByRole('button', { name: 'Create owner' }).closest('form')!);
    await screen.findByRole('alert');
    expect(calls.find((c) => c.url === '/v1/setup' && c.method === 'POST')!.body).toMatchObject({ token: 'tok_1', account_name: 'Acme', email: 'o@example.com' });
  });
});
