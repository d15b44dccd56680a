import { useEffect, useState, type FormEvent } from 'react';
import { unwrap } from '../../../client/index.js';
import { viewerZone } from '../format.js';
import { Link, navigate } from '../router.js';
import { adopt, api, homeOf, signIn, signUp, startGoogleSignIn, endedReason } from '../session.js';
import { ErrorMessage, Field, Loading, Page, SelectField, useAction } from '../ui.js';

function after(account: Parameters<typeof homeOf>[0]): void {
  const next = new URLSearchParams(location.search).get('next');
  navigate(next?.startsWith('/') ? next : homeOf(account), { replace: true });
}

export function SignIn() {
  // Sent here because the session ended (e.g. an admin suspended the account): say why.
  const ended = endedReason();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => after(await signIn(email, password)));
  };
  return (
    <Page title="Sign in">
      {ended ? (
        <p className="error narrow" role="alert" data-testid="session-ended">
          You were signed out: {ended}
        </p>
      ) : null}
      <form className="card narrow" onSubmit={submit} aria-describedby="signin-error">
        <Field label="Email" type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <Field label="Password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        <div id="signin-error">
          <ErrorMessage message={action.error} />
        </div>
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
        <GoogleButton role="student" />
        <p>
          New here? <Link to="/signup">Create an account</Link>
        </p>
      </form>
    </Page>
  );
}

export function SignUp() {
  const [form, setForm] = useState({ displayName: '', email: '', password: '', role: 'student' as 'student' | 'tutor', timeZone: viewerZone });
  const action = useAction();
  const update = (key: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => after(await signUp(form)));
  };
  return (
    <Page title="Create an account">
      <form className="card narrow" onSubmit={submit}>
        <Field label="Your name" autoComplete="name" required value={form.displayName} onChange={update('displayName')} />
        <Field label="Email" type="email" autoComplete="email" required value={form.email} onChange={update('email')} />
        <Field label="Password" type="password" autoComplete="new-password" required minLength={10} hint="At least 10 characters, and not your email address" value={form.password} onChange={update('password')} />
        <SelectField label="I want to" value={form.role} onChange={update('role')}>
          <option value="student">learn (student)</option>
          <option value="tutor">teach (tutor)</option>
        </SelectField>
        <Field label="Time zone" required value={form.timeZone} onChange={update('timeZone')} hint="An IANA zone such as Europe/Berlin; every time is shown in it" />
        <ErrorMessage message={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create account'}
        </button>
        <GoogleButton role={form.role} />
        <p>
          Have an account? <Link to="/signin">Sign in</Link>
        </p>
      </form>
    </Page>
  );
}

function GoogleButton({ role }: { role: 'student' | 'tutor' }) {
  const action = useAction();
  return (
    <div className="google">
      <button type="button" className="secondary" disabled={action.busy} onClick={() => void action.run(() => startGoogleSignIn(role, viewerZone))}>
        Continue with Google
      </button>
      <ErrorMessage message={action.error} />
    </div>
  );
}

const spentStates = new Set<string>();

/** Where Google sends the browser back: the API finishes the sign-in with the code and this browser's cookie. */
export function GoogleCallback({ query }: { query: URLSearchParams }) {
  const action = useAction();
  useEffect(() => {
    const state = query.get('state') ?? '';
    const code = query.get('code') ?? undefined;
    const error = query.get('error') ?? undefined;
    // The state is single use: React's development double effects must not spend it twice.
    if (spentStates.has(state)) return;
    spentStates.add(state);
    void action.run(async () => {
      const signedIn = unwrap(
        await api.GET('/api/auth/google/callback', { params: { query: { state, ...(code ? { code } : {}), ...(error ? { error } : {}) } }, credentials: 'include' }),
      );
      navigate(homeOf(adopt(signedIn)), { replace: true });
    });
  }, [query]);
  return (
    <Page title="Signing in with Google">
      {action.error ? (
        <>
          <ErrorMessage message={action.error} />
          <Link to="/signin">Back to sign in</Link>
        </>
      ) : (
        <Loading label="Finishing the sign-in…" />
      )}
    </Page>
  );
}
