import { AppError } from './errors.js';

export type Metadata = Record<string, string>;

/** decisions.md §9: at most this many keys, also after an update has merged new keys into existing ones. */
export const METADATA_MAX_KEYS = 50;

/**
 * Applies a metadata update: supplied keys merge into the existing set, a key set to "" is removed, and an empty
 * string for the whole field clears it (decisions.md §9). The merged set is held to the key limit too: a 400 naming
 * `metadata`, before anything is written.
 */
export function mergeMetadata(existing: Metadata, patch: Metadata | '' | undefined): Metadata {
  if (patch === undefined) return existing;
  if (patch === '') return {};
  const merged = new Map(Object.entries(existing));
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') merged.delete(k);
    else merged.set(k, v);
  }
  if (merged.size > METADATA_MAX_KEYS) {
    throw new AppError(
      'parameter_invalid',
      `Invalid metadata: an object can have at most ${METADATA_MAX_KEYS} metadata keys; this update would leave ${merged.size}.`,
      { param: 'metadata' },
    );
  }
  return Object.fromEntries(merged);
}

/** Metadata given at creation: keys with empty values are simply not stored. */
export function initialMetadata(patch: Metadata | '' | undefined): Metadata {
  return mergeMetadata({}, patch);
}
