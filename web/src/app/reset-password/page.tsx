"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { adminError } from "@/components/admin/adminErrors";
import { RedeemPasswordResetDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";

/** Set a new password with the one-time code an administrator gave you (no sign-in needed). */
export default function ResetPasswordPage() {
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await gql(RedeemPasswordResetDocument, { input: { code: code.trim(), newPassword: password } });
      setDone(true);
    } catch (err) {
      setError(adminError(err));
    }
  }

  if (done) {
    return (
      <div className="card login" role="status">
        <h1>Password changed</h1>
        <p>Every earlier session of your account has ended.</p>
        <Link href="/login">Sign in with the new password</Link>
      </div>
    );
  }
  return (
    <form className="card login" onSubmit={submit} aria-describedby={error ? "reset-error" : undefined}>
      <h1>Set a new password</h1>
      <label htmlFor="reset-code">Reset code from your administrator</label>
      <input id="reset-code" required autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
      <label htmlFor="reset-password">New password (12+ characters, hard to guess)</label>
      <input id="reset-password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      {error && (
        <p id="reset-error" role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        Set password
      </button>
    </form>
  );
}
