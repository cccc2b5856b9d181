/**
 * Maps items with at most `limit` calls in flight, keeping input order. Per-resource AWS calls
 * (DescribeListeners per load balancer, GetResources per API, ...) share low per-account rate limits,
 * so an account with hundreds of resources must not fire them all at once.
 */
export const mapLimit = async <T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
};
