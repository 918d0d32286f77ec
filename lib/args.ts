/**
 * Drops keys whose value is undefined, so `{ ...defaults, ...stripUndefined(args) }` lets a
 * caller leave any arg out without erasing its default.
 */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
