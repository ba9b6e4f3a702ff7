import { html, nothing, type TemplateResult } from 'lit';
import type { ConsoleApp } from '../app';

/** The sign-in form: a service principal's client id and secret, exchanged for a token. */
export function renderSignIn(app: ConsoleApp): TemplateResult {
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    void app.signIn(
      String(form.get('client_id') ?? '').trim(),
      String(form.get('client_secret') ?? ''),
    );
  };
  return html`<section class="sign-in" aria-labelledby="sign-in-title">
    <h1 id="sign-in-title" tabindex="-1">Sign in</h1>
    <p>
      This registry requires credentials. Use a service principal's client id and secret (<code
        >imprint-registry principals create</code
      >
      makes a pair).
    </p>
    <form @submit=${submit} autocomplete="off">
      <label for="client-id">Client id</label>
      <input id="client-id" name="client_id" required autocomplete="username" spellcheck="false" />
      <label for="client-secret">Client secret</label>
      <input
        id="client-secret"
        name="client_secret"
        type="password"
        required
        autocomplete="current-password"
      />
      ${
        app.signInError
          ? html`<p class="error" role="alert" data-testid="sign-in-error">${app.signInError}</p>`
          : nothing
      }
      <button type="submit" class="primary" ?disabled=${app.signInBusy}>
        ${app.signInBusy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
    <p class="hint">
      The token is kept in this tab's session storage and is forgotten when the tab closes.
    </p>
  </section>`;
}
