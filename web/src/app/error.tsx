"use client";

/** Anything a page did not expect: say so plainly and offer the one useful action. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="card" role="alert">
      <h1>Something went wrong on this page</h1>
      <p>{error.message || "An unexpected error happened."}</p>
      {error.digest && <p className="muted">Reference: {error.digest}</p>}
      <div className="actions">
        <button type="button" className="primary" onClick={reset}>
          Try again
        </button>
        <a href="/">Back to the triage queue</a>
      </div>
    </section>
  );
}
