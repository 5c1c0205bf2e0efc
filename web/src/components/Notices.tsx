"use client";

/** CONFLICT: the record changed under the user; the only safe move is to reload it. */
export function ConflictBanner({ onReload }: { onReload: () => void }) {
  return (
    <div role="alert" className="notice conflict">
      <strong>Someone else changed this — reload.</strong>{" "}
      <span>Your change was not saved, so nothing was overwritten.</span>{" "}
      <button type="button" onClick={onReload} className="primary">
        Reload
      </button>
    </div>
  );
}

export function ErrorText({ message, id }: { message: string | null; id?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="error" id={id}>
      {message}
    </p>
  );
}
