import { AppError } from './errors.js';

export type Metadata = Record<string, string>;

/**
 * Applies a metadata update: supplied keys merge into the existing set, a key set to "" is removed, and an empty
 * string for the whole field clears it (decisions.md §9).
 */
export function mergeMetadata(existing: Metadata, patch: Metadata | '' | undefined): Metadata {
  if (patch === undefined) return existing;
  if (patch === '') return {};
  const merged = new Map(Object.entries(existing));
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') merged.delete(k);
    else merged.set(k, v);
  }
  return Object.fromEntries(merged);
}

/** Metadata given at creation: keys with empty values are simply not stored. */
export function initialMetadata(patch: Metadata | '' | undefined): Metadata {
  return mergeMetadata({}, patch);
}

/** decisions.md §9: at most this many keys, also after an update has merged new keys into existing ones. */
export const METADATA_MAX_KEYS = 50;

/** Refuses a merged set over the key limit (each request's own keys are checked at the edge; the sum is not). */
export function assertMetadataSize(merged: Metadata, param = 'metadata'): Metadata {
  const n = Object.keys(merged).length;
  if (n > METADATA_MAX_KEYS) {
    throw new AppError(
      'parameter_invalid',
      `Invalid ${param}: an object can have at most ${METADATA_MAX_KEYS} metadata keys; this update would leave ${n}.`,
      { param },
    );
  }
  return merged;
}
