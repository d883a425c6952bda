/** Maps with at most `limit` promises in flight, keeping the input's order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Streams `fn(item)` in the input's order with at most `limit` calls in flight. Each result
 * is handed on as soon as its turn comes, so a bulk reader holds `limit` results, not a
 * page of them: short-lived objects die young instead of filling V8's old generation.
 */
export async function* mapOrdered<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const inFlight: Promise<R>[] = [];
  const start = (item: T) => {
    const result = fn(item);
    // Observed here so a rejection waiting its turn is not reported as unhandled; it is
    // still thrown to the consumer when its turn comes.
    result.catch(() => undefined);
    inFlight.push(result);
  };
  for await (const item of items) {
    start(item);
    if (inFlight.length >= limit) yield await inFlight.shift()!;
  }
  while (inFlight.length > 0) yield await inFlight.shift()!;
}
