"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { useSession } from "@/components/AppShell";
import { LoginDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { ApiError, describeError } from "@/lib/errors";

/** Only a path on this site, and never back to the login page itself. */
function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/login")) return "/";
  return next;
}

function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const { signIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { login } = await gql(LoginDocument, { input: { email, password } });
      signIn(login);
      router.push(safeNext(params.get("next")));
    } catch (err) {
      // A refused login is UNAUTHENTICATED too; its own message ("wrong email or password") fits here.
      setError(err instanceof ApiError && err.code === "UNAUTHENTICATED" && err.first ? err.first.message : describeError(err));
      setBusy(false);
    }
  }

  return (
    <form className="card login" onSubmit={submit} aria-describedby={error ? "login-error" : undefined}>
      <h1>Sign in to Quell</h1>
      <label htmlFor="email">Email</label>
      <input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
      <label htmlFor="password">Password</label>
      <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      {error && (
        <p id="login-error" role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

export default function LoginPage() {
  return (
    <Suspense>
      <LoginForm />
    </Suspense>
  );
}
