/**
 * Transactions are sent as one query: `BEGIN; ...; RETURN <value>; COMMIT;`. Every statement,
 * including BEGIN and COMMIT, has a slot in the results, so the value is the one before COMMIT.
 */
export function returned<T>(results: unknown[]): T {
  return results[results.length - 2] as T;
}
