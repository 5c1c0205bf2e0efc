"use client";

import Link from "next/link";
import { pageTitle } from "@/lib/format";
import { canWriteIncidents } from "@/lib/roles";
import { usePathname, useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { clearSession, configureSubscriptions, readSession, SESSION_EXPIRED_EVENT, signOutSession, writeSession, type SessionUser } from "@/lib/client";
import type { SessionTokensFragment } from "@/graphql/generated";

interface SessionValue {
  user: SessionUser | null;
  signIn(session: SessionTokensFragment): void;
  signOut(): void;
}

const SessionContext = createContext<SessionValue>({ user: null, signIn: () => undefined, signOut: () => undefined });

export const useSession = (): SessionValue => useContext(SessionContext);

/** Session, navigation and the skip link; pages other than /login need a signed-in user. */
export function AppShell({ wsUrl, children }: { wsUrl: string; children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const [user, setUser] = useState<SessionUser | null>(null);
  const [ready, setReady] = useState(false);

  configureSubscriptions(wsUrl);

  useEffect(() => {
    setUser(readSession()?.user ?? null);
    setReady(true);
  }, []);

  const signOut = useCallback(() => {
    void signOutSession();
    setUser(null);
    router.push("/login");
  }, [router]);

  const signIn = useCallback((session: SessionTokensFragment) => {
    writeSession(session);
    setUser(session.user);
  }, []);

  useEffect(() => {
    const expired = () => {
      clearSession();
      setUser(null);
      const here = window.location.pathname + window.location.search;
      router.push(here.startsWith("/login") ? "/login" : `/login?next=${encodeURIComponent(here)}`);
    };
    window.addEventListener(SESSION_EXPIRED_EVENT, expired);
    return () => window.removeEventListener(SESSION_EXPIRED_EVENT, expired);
  }, [router]);

  // Pages anyone may open: signing in, and redeeming an admin-issued reset code.
  const onLogin = pathname === "/login" || pathname === "/reset-password";
  useEffect(() => {
    if (ready && !user && !onLogin) router.replace(`/login?next=${encodeURIComponent(pathname)}`);
  }, [ready, user, onLogin, pathname, router]);

  return (
    <SessionContext.Provider value={{ user, signIn, signOut }}>
      {/* React hoists it into <head>: one title per page, so open tabs can be told apart. */}
      <title>{pageTitle(pathname)}</title>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Quell home">
          Quell
        </Link>
        {user && (
          <nav aria-label="Main">
            <Link href="/" aria-current={pathname === "/" ? "page" : undefined}>
              Triage queue
            </Link>
            {canWriteIncidents(user.role) && (
              <Link href="/incidents/new" aria-current={pathname === "/incidents/new" ? "page" : undefined}>
                Report incident
              </Link>
            )}
            <Link href="/problems" aria-current={pathname.startsWith("/problems") && pathname !== "/problems/candidates" ? "page" : undefined}>
              Problems
            </Link>
            <Link href="/problems/candidates" aria-current={pathname === "/problems/candidates" ? "page" : undefined}>
              Candidates
            </Link>
            <Link href="/changes" aria-current={pathname === "/changes" ? "page" : undefined}>
              Changes
            </Link>
            <Link href="/changes/calendar" aria-current={pathname === "/changes/calendar" ? "page" : undefined}>
              Change calendar
            </Link>
            {(user.role === "change_manager" || user.role === "admin") && (
              <Link href="/changes/approvals" aria-current={pathname === "/changes/approvals" ? "page" : undefined}>
                Approvals
              </Link>
            )}
            <Link href="/alerts" aria-current={pathname === "/alerts" ? "page" : undefined}>
              Alerts
            </Link>
            <Link href="/metrics" aria-current={pathname === "/metrics" ? "page" : undefined}>
              Metrics
            </Link>
            <Link href="/analytics" aria-current={pathname === "/analytics" ? "page" : undefined}>
              Analytics
            </Link>
            <Link href="/notifications" aria-current={pathname === "/notifications" ? "page" : undefined}>
              Notifications
            </Link>
            {user.role === "admin" && (
              <Link href="/admin" aria-current={pathname === "/admin" ? "page" : undefined}>
                Admin
              </Link>
            )}
          </nav>
        )}
        <div className="topbar-user">
          {user && (
            <>
              <span>
                {user.name} <span className="muted">({user.role.replace("_", " ")})</span>
              </span>
              <button type="button" className="link-button" onClick={signOut}>
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {ready && (user || onLogin) ? children : <p className="muted">Loading…</p>}
      </main>
    </SessionContext.Provider>
  );
}
