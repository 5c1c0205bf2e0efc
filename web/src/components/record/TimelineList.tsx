import { exactTime, relativeTime } from "@/lib/format";

export interface TimelineItem<K extends string> {
  id: string;
  kind: K;
  message: string;
  actorId: string | null;
  createdAt: string;
}

/** A record's history, newest first (incidents and problems share it; each brings its kind labels). */
export function TimelineList<K extends string>({ entries, labels, nameOf }: { entries: ReadonlyArray<TimelineItem<K>>; labels: Record<K, string>; nameOf: (id: string | null) => string }) {
  return (
    <ol className="timeline" aria-label="Newest first">
      {entries.map((entry) => (
        <li key={entry.id} className={`tl-${entry.kind}`}>
          <div className="tl-meta">
            <span className="badge kind">{labels[entry.kind]}</span> <strong>{nameOf(entry.actorId)}</strong>{" "}
            <time dateTime={entry.createdAt} title={exactTime(entry.createdAt)}>
              {relativeTime(entry.createdAt)}
            </time>
          </div>
          <p className="tl-message">{entry.message}</p>
        </li>
      ))}
    </ol>
  );
}
