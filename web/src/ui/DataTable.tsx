import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

export interface Column<T> {
  readonly key: string;
  readonly label: string;
  readonly render: (row: T) => ComponentChildren;
  readonly numeric?: boolean;
}

/** A table with client-side paging; server-paged lists pass their own page controls instead. */
export function DataTable<T>(props: {
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  pageSize?: number;
}) {
  const size = props.pageSize ?? 20;
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(props.rows.length / size));
  const shown = props.rows.slice(page * size, page * size + size);
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.key} scope="col" class={c.numeric ? "num" : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 && (
            <tr>
              <td colSpan={props.columns.length}>Nothing to show.</td>
            </tr>
          )}
          {shown.map((row, i) => (
            <tr key={i}>
              {props.columns.map((c) => (
                <td key={c.key} class={c.numeric ? "num" : undefined}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <nav class="pager" aria-label={`${props.caption} pages`}>
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span>
            Page {page + 1} of {pages}
          </span>
          <button type="button" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
            Next
          </button>
        </nav>
      )}
    </div>
  );
}
