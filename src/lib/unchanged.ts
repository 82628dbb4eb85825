/**
 * An update that changes nothing (docs/decisions.md: "No-op updates … answer the object and record no event"):
 * `next` was built from `current` by spreading it and setting what the caller gave, so the two serialize alike,
 * key for key, exactly when no value differs.
 */
export function isUnchanged<T>(next: T, current: T): boolean {
  return JSON.stringify(next) === JSON.stringify(current);
}
