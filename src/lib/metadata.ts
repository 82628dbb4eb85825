export type Metadata = Record<string, string>;

/**
 * Applies a metadata update: supplied keys merge into the existing set, a key set to "" is removed, and an empty
 * string for the whole field clears it (decisions.md §9).
 */
export function mergeMetadata(existing: Metadata, patch: Metadata | '' | undefined): Metadata {
  if (patch === undefined) return existing;
  if (patch === '') return {};
  const out: Metadata = { ...existing };
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Metadata given at creation: keys with empty values are simply not stored. */
export function initialMetadata(patch: Metadata | '' | undefined): Metadata {
  return mergeMetadata({}, patch);
}
