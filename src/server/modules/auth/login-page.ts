const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The server-rendered login form (the session flow Label Studio's legacy SDK also drives). */
export function loginPage(csrfToken: string, error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in · LabelFleet</title>
<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;background:#f5f6f8}
form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;display:grid;gap:.75rem;width:20rem}
input,button{font:inherit;padding:.5rem}.error{color:#b00020}</style></head>
<body><form method="post" action="/user/login">
<h1>LabelFleet</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<input type="hidden" name="csrfmiddlewaretoken" value="${escapeHtml(csrfToken)}">
<label>Email <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form></body></html>`;
}
