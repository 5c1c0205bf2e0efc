import type { ReactNode } from "react";

/**
 * The admin lists' table: a caption (visible, or for screen readers only), column headers, a
 * muted row saying what an empty list means, and the rows the caller renders.
 */
export function AdminTable({ caption, captionHidden = false, columns, empty, isEmpty, children }: { caption: string; captionHidden?: boolean; columns: string[]; empty: string; isEmpty: boolean; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="queue">
        <caption className={captionHidden ? "sr-only" : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {isEmpty && (
            <tr>
              <td colSpan={columns.length} className="muted">
                {empty}
              </td>
            </tr>
          )}
          {children}
        </tbody>
      </table>
    </div>
  );
}
