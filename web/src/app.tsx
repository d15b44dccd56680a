import { useEffect, useState, type ReactNode } from 'react';
import { AdminBooking, AdminBookings, AuditLog, VerificationQueue } from './pages/admin.js';
import { AdminUsers } from './pages/admin-users.js';
import { GoogleCallback, SignIn, SignUp } from './pages/auth.js';
import { BookingDetail, BookingList } from './pages/bookings.js';
import { Account as AccountPage } from './pages/account.js';
import { PaymentMethods } from './pages/cards.js';
import { AdminReviews, LessonReview } from './pages/reviews.js';
import { AdminDisputes } from './pages/disputes.js';
import { AdminPackages } from './pages/admin-packages.js';
import { MyPackages, PackageDetail, TutorOffers } from './pages/packages.js';
import { SeriesDetail } from './pages/series.js';
import { Notifications, UNREAD_CHANGED } from './pages/notifications.js';
import { Conversation, Conversations } from './pages/messages.js';
import { TutorSearch } from './pages/search.js';
import { TutorPage } from './pages/tutor.js';
import { Availability, Payouts, TutorProfile } from './pages/tutor-settings.js';
import { RealtimeProvider, useRealtime, useRealtimeEvents } from './realtime.js';
import { Link, match, navigate, useLocation } from './router.js';
import { api, homeOf, signOut, useSession, type Account } from './session.js';
import { viewerZone } from './format.js';
import { ErrorBoundary } from './error-boundary.js';
import { Page } from './ui.js';

type Role = Account['role'];
interface Route {
  path: string;
  roles?: Role[];
  render: (params: Record<string, string>, query: URLSearchParams) => ReactNode;
}

const ROUTES: Route[] = [
  { path: '/signin', render: () => <SignIn /> },
  { path: '/signup', render: () => <SignUp /> },
  { path: '/auth/google/callback', render: (_params, query) => <GoogleCallback query={query} /> },
  { path: '/tutors', render: (_params, query) => <TutorSearch query={query} /> },
  { path: '/tutors/:id', render: ({ id }) => <TutorPage tutorId={id!} /> },
  { path: '/bookings', roles: ['student'], render: () => <BookingList /> },
  { path: '/cards', roles: ['student'], render: () => <PaymentMethods /> },
  { path: '/packages', roles: ['student'], render: () => <MyPackages /> },
  { path: '/packages/:id', roles: ['student'], render: ({ id }) => <PackageDetail packageId={id!} /> },
  { path: '/offers', roles: ['tutor'], render: () => <TutorOffers /> },
  { path: '/account', roles: ['student', 'tutor', 'admin'], render: () => <AccountPage /> },
  { path: '/series/:id', roles: ['student'], render: ({ id }) => <SeriesDetail seriesId={id!} /> },
  { path: '/notifications', roles: ['student', 'tutor', 'admin'], render: () => <Notifications /> },
  { path: '/lessons', roles: ['tutor'], render: () => <BookingList /> },
  { path: '/bookings/:id/review', roles: ['student', 'tutor', 'admin'], render: ({ id }) => <LessonReview bookingId={id!} /> },
  { path: '/bookings/:id', roles: ['student', 'tutor'], render: ({ id }) => <BookingDetail bookingId={id!} /> },
  { path: '/messages', roles: ['student', 'tutor'], render: (_params, query) => <Conversations withUser={query.get('with') ?? undefined} /> },
  { path: '/messages/:id', roles: ['student', 'tutor'], render: ({ id }) => <Conversation conversationId={id!} /> },
  { path: '/availability', roles: ['tutor'], render: () => <Availability /> },
  { path: '/profile', roles: ['tutor'], render: () => <TutorProfile /> },
  { path: '/payouts', roles: ['tutor'], render: () => <Payouts /> },
  { path: '/payouts/onboarding/return', roles: ['tutor'], render: () => <Payouts landing="return" /> },
  { path: '/payouts/onboarding/refresh', roles: ['tutor'], render: () => <Payouts landing="refresh" /> },
  { path: '/admin', roles: ['admin'], render: () => <AdminBookings /> },
  { path: '/admin/bookings/:id', roles: ['admin'], render: ({ id }) => <AdminBooking bookingId={id!} /> },
  { path: '/admin/verification', roles: ['admin'], render: () => <VerificationQueue /> },
  { path: '/admin/users', roles: ['admin'], render: () => <AdminUsers /> },
  { path: '/admin/reviews', roles: ['admin'], render: () => <AdminReviews /> },
  { path: '/admin/disputes', roles: ['admin'], render: () => <AdminDisputes /> },
  { path: '/admin/packages', roles: ['admin'], render: () => <AdminPackages /> },
  { path: '/admin/packages/:id', roles: ['admin'], render: ({ id }) => <AdminPackages packageId={id!} /> },
  { path: '/admin/audit-log', roles: ['admin'], render: () => <AuditLog /> },
];

const NAV: Record<Role | 'guest', { to: string; label: string }[]> = {
  guest: [
    { to: '/tutors', label: 'Find a tutor' },
    { to: '/signin', label: 'Sign in' },
    { to: '/signup', label: 'Sign up' },
  ],
  student: [
    { to: '/tutors', label: 'Find a tutor' },
    { to: '/bookings', label: 'My bookings' },
    { to: '/messages', label: 'Messages' },
    { to: '/packages', label: 'My packages' },
    { to: '/cards', label: 'Payment methods' },
  ],
  tutor: [
    { to: '/lessons', label: 'Requests & lessons' },
    { to: '/messages', label: 'Messages' },
    { to: '/availability', label: 'Availability' },
    { to: '/profile', label: 'Profile' },
    { to: '/offers', label: 'Packages & trial' },
    { to: '/payouts', label: 'Payouts' },
  ],
  admin: [
    { to: '/admin', label: 'Bookings' },
    { to: '/admin/users', label: 'Users' },
    { to: '/admin/reviews', label: 'Reviews' },
    { to: '/admin/disputes', label: 'Disputes' },
    { to: '/admin/packages', label: 'Packages' },
    { to: '/admin/verification', label: 'Verification' },
    { to: '/admin/audit-log', label: 'Audit log' },
  ],
};

/** Unread messages across conversations: refreshed when a message arrives or is read, and on navigation. */
function useUnreadMessages(): number {
  const session = useSession();
  const { path } = useLocation();
  const [unread, setUnread] = useState(0);
  const [round, setRound] = useState(0);
  const canChat = session?.account.role === 'student' || session?.account.role === 'tutor';
  useEffect(() => {
    if (!canChat) return setUnread(0);
    let live = true;
    void api
      .GET('/api/conversations', { params: { query: { limit: 100 } } })
      .then(({ data }) => live && data && setUnread(data.items.reduce((sum, conversation) => sum + conversation.unreadCount, 0)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [canChat, path, round]);
  useRealtimeEvents((event) => {
    if (event.type === 'message.new' || event.type === 'message.read' || event.type === 'ready') setRound((value) => value + 1);
  });
  return unread;
}

/**
 * Unread notifications for the bell: counted by the API, counted again when one arrives live
 * (`notification.new`), after a reconnect (what arrived meanwhile), on navigation and when the
 * notifications page marks some read.
 */
function useUnreadNotifications(): number {
  const session = useSession();
  const { path } = useLocation();
  const [unread, setUnread] = useState(0);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!session) return setUnread(0);
    let live = true;
    void api
      .GET('/api/notifications/unread-count')
      .then(({ data }) => live && data && setUnread(data.unreadCount))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [session?.account.id, path, round]);
  useEffect(() => {
    const recount = () => setRound((value) => value + 1);
    window.addEventListener(UNREAD_CHANGED, recount);
    return () => window.removeEventListener(UNREAD_CHANGED, recount);
  }, []);
  useRealtimeEvents((event) => {
    if (event.type === 'notification.new' || event.type === 'ready') setRound((value) => value + 1);
  });
  return unread;
}

function NotificationBell() {
  const { path } = useLocation();
  const unread = useUnreadNotifications();
  return (
    <>
      <Link to="/notifications" className="bell" aria-current={path === '/notifications' ? 'page' : undefined}>
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="currentColor">
          <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        Notifications
        {unread > 0 ? (
          <span className="badge badge-unread" data-testid="unread-notifications">
            {unread}
            <span className="visually-hidden"> unread</span>
          </span>
        ) : null}
      </Link>
      <p className="visually-hidden" role="status" aria-live="polite">
        {unread > 0 ? `${unread} unread ${unread === 1 ? 'notification' : 'notifications'}` : ''}
      </p>
    </>
  );
}

function Header() {
  const session = useSession();
  const { path } = useLocation();
  const { state } = useRealtime();
  const unread = useUnreadMessages();
  const links = NAV[session?.account.role ?? 'guest'];
  return (
    <header className="site-header">
      <Link to={homeOf(session?.account)} className="brand">
        Tutorflow
      </Link>
      <nav aria-label="Main">
        <ul>
          {links.map((link) => (
            <li key={link.to}>
              <Link to={link.to} aria-current={path === link.to ? 'page' : undefined}>
                {link.label}
                {link.to === '/messages' && unread > 0 ? <span className="badge badge-unread">{unread} unread</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <p className="visually-hidden" role="status" aria-live="polite">
        {unread > 0 ? `${unread} unread ${unread === 1 ? 'message' : 'messages'}` : ''}
      </p>
      {session ? (
        <div className="who">
          <Link to="/account" aria-current={path === '/account' ? 'page' : undefined}>
            {session.account.displayName} <span className="muted">({session.account.role})</span>
            <span className="visually-hidden">: your account</span>
          </Link>
          <NotificationBell />
          <span className={`live live-${state}`} title="Live updates">
            {state === 'open' ? 'live' : state}
          </span>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              void signOut();
              navigate('/signin');
            }}
          >
            Sign out
          </button>
        </div>
      ) : null}
    </header>
  );
}

function Routes() {
  const session = useSession();
  const { path, query } = useLocation();
  // Each new page moves focus to its heading, so keyboard and screen-reader users start there.
  useEffect(() => {
    document.getElementById('page-title')?.focus();
    window.scrollTo(0, 0);
  }, [path]);
  if (path === '/') {
    queueMicrotask(() => navigate(homeOf(session?.account), { replace: true }));
    return null;
  }
  for (const route of ROUTES) {
    const params = match(route.path, path);
    if (!params) continue;
    if (route.roles && !session) {
      queueMicrotask(() => navigate(`/signin?next=${encodeURIComponent(path)}`, { replace: true }));
      return null;
    }
    if (route.roles && session && !route.roles.includes(session.account.role)) {
      return (
        <Page title="Not for this account">
          <p>This page is for {route.roles.join(' and ')} accounts.</p>
          <Link to={homeOf(session.account)}>Go to your start page</Link>
        </Page>
      );
    }
    return <>{route.render(params, query)}</>;
  }
  return (
    <Page title="Page not found">
      <Link to="/">Go to the start page</Link>
    </Page>
  );
}

export function App() {
  return (
    <RealtimeProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main">
        <ErrorBoundary resetKey={location.pathname}>
          <Routes />
        </ErrorBoundary>
      </main>
      <footer className="site-footer">
        <p>Times are shown in your time zone, {viewerZone}, unless marked otherwise.</p>
      </footer>
    </RealtimeProvider>
  );
}
