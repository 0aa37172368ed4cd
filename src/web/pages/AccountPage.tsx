import { useState } from 'react';
import { useApiToken, useCurrentUser, useResetApiToken } from '../api/users';
import { CopyButton } from '../components/CopyButton';

/** The signed-in user and their API token (`Authorization: Token …`), with copy and reset. */
export function AccountPage() {
  const me = useCurrentUser();
  const token = useApiToken();
  const reset = useResetApiToken();
  const [confirming, setConfirming] = useState(false);
  const name = [me.data?.first_name, me.data?.last_name].filter(Boolean).join(' ');

  return (
    <section className="narrow">
      <h1>Account</h1>
      <dl className="facts">
        <dt>Email</dt>
        <dd>{me.data?.email}</dd>
        {name && (
          <>
            <dt>Name</dt>
            <dd>{name}</dd>
          </>
        )}
      </dl>

      <h2>API token</h2>
      <p className="muted">
        Scripts and the Label Studio SDK send it as <code>Authorization: Token &lt;token&gt;</code>.
      </p>
      {token.isError && (
        <p className="error" role="alert">
          {token.error.message}
        </p>
      )}
      <div className="token-row">
        <input className="mono" readOnly aria-label="API token" value={token.data?.token ?? ''} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={token.data?.token ?? ''} />
        <button type="button" onClick={() => setConfirming(true)} disabled={confirming || reset.isPending}>
          Reset
        </button>
      </div>
      {confirming && (
        <div className="confirm" role="alertdialog" aria-label="Reset the API token">
          <p>Reset the token? Scripts that use the current one will stop working.</p>
          <button
            type="button"
            className="danger"
            onClick={() => reset.mutate(undefined, { onSettled: () => setConfirming(false) })}
            disabled={reset.isPending}
          >
            Reset token
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {reset.isError && (
        <p className="error" role="alert">
          {reset.error.message}
        </p>
      )}
      {reset.isSuccess && <p role="status">A new token was created.</p>}
    </section>
  );
}
