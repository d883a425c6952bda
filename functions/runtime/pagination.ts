import { z } from "zod";

/** How a system spells paging on the wire: identity's API shipped snake_case, the rest camelCase. */
export type WireCasing = "camelCase" | "snake_case";

interface Keys {
  camelCase: { size: "pageSize"; totalPages: "totalPages" };
  snake_case: { size: "page_size"; totalPages: "total_pages" };
}

const KEYS: { [C in WireCasing]: Keys[C] } = {
  camelCase: { size: "pageSize", totalPages: "totalPages" },
  snake_case: { size: "page_size", totalPages: "total_pages" },
};

type PageNumber = z.ZodDefault<z.ZodCoercedNumber<unknown>>;
type Count = z.ZodNumber;

/** A list endpoint's paging, in one casing: the query it accepts, the view it answers, and the answer's builder. */
export interface Paging<C extends WireCasing> {
  readonly query: z.ZodObject<{ page: PageNumber } & { [K in Keys[C]["size"]]: PageNumber }>;
  readonly view: z.ZodObject<{ page: Count; total: Count } & { [K in Keys[C]["size"] | Keys[C]["totalPages"]]: Count }>;
  /** `{ items, pagination }` for one page of a list whose filter matched `total` items. */
  pageOf<T>(
    items: readonly T[],
    page: { page: number; pageSize: number; total: number },
  ): { items: T[]; pagination: z.infer<Paging<C>["view"]> };
}

/**
 * The one paging helper of every list endpoint: `page` from 1, a page size with a default
 * and a cap, and a `pagination` block with the total and the page count. Each functions/
 * folder states its casing (and sizes) once.
 */
export function paging<C extends WireCasing>(
  casing: C,
  size: { readonly default: number; readonly max: number } = { default: 25, max: 100 },
): Paging<C> {
  const keys = KEYS[casing];
  const pageNumber = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
  const count = () => z.number().int();
  return {
    query: z.object({
      page: pageNumber(100_000, 1),
      [keys.size]: pageNumber(size.max, size.default),
    }) as unknown as Paging<C>["query"],
    view: z.object({
      page: count(),
      [keys.size]: count(),
      total: count(),
      [keys.totalPages]: count(),
    }) as unknown as Paging<C>["view"],
    pageOf: (items, page) => ({
      items: [...items],
      pagination: {
        page: page.page,
        [keys.size]: page.pageSize,
        total: page.total,
        [keys.totalPages]: Math.ceil(page.total / page.pageSize),
      } as z.infer<Paging<C>["view"]>,
    }),
  };
}
