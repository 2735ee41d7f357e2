// Defensive reads of snapshot fields. The source schema-checks every object, but translate must never throw
// on input it did not expect (a crash would freeze the last config for every Gateway), so lists are read
// through these helpers: anything that is not a list of objects (or strings) reads as an empty list.

/** The objects of a list field; a missing or malformed list, and null or non-object items, are skipped. */
export function list<T>(value: readonly T[] | undefined | null): T[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
}

/** The strings of a list field. */
export function strings(value: readonly string[] | undefined | null): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v) => typeof v === 'string');
}

/** A string field, or `fallback` when it is missing or not a string. */
export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}
