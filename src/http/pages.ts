import type { FastifyInstance } from 'fastify';

// Until the web app lands, these small pages let a person finish the flows
// that arrive by link: first-run setup, password reset and invitations.
const shell = (title: string, body: string, script: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Herald</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}
input,button{font:inherit;width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem}
:focus-visible{outline:3px solid #1a5fb4}#error{color:#a51d2d}#done{color:#26a269}</style></head>
<body><main><h1>${title}</h1>${body}<p id="error" role="alert"></p><p id="done" role="status"></p></main>
<script>
const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
const show = (id, text) => { document.getElementById(id).textContent = text; };
async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = res.status === 204 ? {} : await res.json();
  if (!res.ok) throw new Error(data.error ? data.error.message : res.statusText);
  return data;
}
${script}
</script></body></html>`;

const SETUP = shell(
  'Set up Herald',
  `<form id="f"><label for="account_name">Organisation</label><input id="account_name" name="account_name" required>
<label for="name">Your name</label><input id="name" name="name" required autocomplete="name">
<label for="email">Email</label><input id="email" name="email" type="email" required autocomplete="email">
<label for="password">Password (at least 8 characters)</label><input id="password" name="password" type="password" required minlength="8" autocomplete="new-password">
<button>Create owner</button></form>`,
  `document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault(); show('error', '');
  const f = Object.fromEntries(new FormData(e.target));
  try { const s = await post('/v1/setup', { ...f, token }); show('done', 'Done: you are signed in as ' + s.user.email + '.'); e.target.hidden = true; }
  catch (err) { show('error', err.message); }
});`,
);

const RESET = shell(
  'Choose a password',
  `<p id="who"></p><form id="f"><label for="password">New password (at least 8 characters)</label>
<input id="password" name="password" type="password" required minlength="8" autocomplete="new-password"><button>Save password</button></form>`,
  `post('/v1/auth/token-info', { token }).then((i) => show('who', 'For ' + i.email)).catch((err) => show('error', err.message));
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault(); show('error', '');
  try { const s = await post('/v1/auth/reset-password', { token, password: e.target.password.value }); show('done', 'Saved: you are signed in as ' + s.user.email + '.'); e.target.hidden = true; }
  catch (err) { show('error', err.message); }
});`,
);

const HOME = shell('Herald', '<p>Herald is running. The API is described at <a href="/docs">/docs</a>.</p>', '');

export function registerPages(app: FastifyInstance): void {
  const page = (url: string, html: string) =>
    app.get(url, { config: { auth: { public: true } }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
        .header('referrer-policy', 'no-referrer')
        .send(html),
    );
  page('/', HOME);
  page('/setup', SETUP);
  page('/reset-password', RESET);
}
