/** Whether an event name passes an endpoint's filters (exact names and `module.*`). */
export function matchesEvent(filters: readonly string[], name: string): boolean {
  return filters.some((f) => (f.endsWith('.*') ? name.startsWith(f.slice(0, -1)) : f === name));
}

/**
 * The filters that name no event the application publishes: an exact name must be published, a
 * `module.*` must match at least one published name. A typo would otherwise subscribe to nothing.
 */
export function unknownFilters(filters: readonly string[], published: readonly string[]): string[] {
  return filters.filter((f) => !published.some((name) => matchesEvent([f], name)));
}
