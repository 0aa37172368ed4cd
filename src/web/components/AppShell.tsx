import { Link, NavLink, Outlet } from 'react-router';
import { LOGOUT_URL } from '../api/client';
import { useCurrentUser } from '../api/users';

/** The frame of every page: the top bar, and the page once we know who is signed in. */
export function AppShell() {
  const me = useCurrentUser();
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/projects" className="brand">
          LabelFleet
        </Link>
        <nav className="topnav">
          <NavLink to="/projects">Projects</NavLink>
        </nav>
        <div className="topbar-user">
          {me.data && (
            <NavLink to="/account" title="Account and API token">
              {me.data.email}
            </NavLink>
          )}
          {/* a full page load: the server clears the session cookie and shows the login form */}
          <a href={LOGOUT_URL}>Log out</a>
        </div>
      </header>
      <main className="page">
        {me.isPending ? (
          <p className="muted">Loading…</p>
        ) : me.isError ? (
          <p className="error" role="alert">
            {me.error.message}
          </p>
        ) : (
          <Outlet />
        )}
      </main>
    </div>
  );
}
