"use client";

/**
 * A secret (token, signing secret) just created: shown this once, with what it is for, until the
 * admin says it is copied. Only its hash or hint is kept, so it can't be shown again later.
 */
export function SecretOnce({ title, advice, secret, onDone }: { title: string; advice: string; secret: string; onDone: () => void }) {
  return (
    <div role="status" className="card">
      <h3>{title}</h3>
      <p>{advice}</p>
      <p>
        <code className="secret">{secret}</code>
      </p>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
