/**
 * API versions. Objects are built in the latest shape; a response or event payload for an older version is made by
 * applying, newest first, the downgrade of every version change newer than the target. Adding a version means
 * adding one entry to VERSION_CHANGES (with its transforms) and nothing else.
 */
export const CURRENT_API_VERSION = '2026-03-09';

type Transform = (object: Record<string, unknown>) => Record<string, unknown>;

interface VersionChange {
  /** The version that introduced the change. */
  version: string;
  /** Per object type (`object` field), how to turn the new shape into the previous one. */
  downgrade: Record<string, Transform>;
}

/** Newest first. The first public version has no predecessor, so there is nothing to downgrade yet. */
const VERSION_CHANGES: VersionChange[] = [];

export const SUPPORTED_API_VERSIONS: readonly string[] = [CURRENT_API_VERSION];

export function isSupportedApiVersion(version: string): boolean {
  return SUPPORTED_API_VERSIONS.includes(version);
}

/** Renders an object (and every object nested in it) in the given version. */
export function renderForVersion<T>(value: T, version: string): T {
  const changes = VERSION_CHANGES.filter((c) => c.version > version);
  if (changes.length === 0) return value;
  return walk(value, changes) as T;
}

function walk(value: unknown, changes: VersionChange[]): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, changes));
  if (value === null || typeof value !== 'object') return value;
  let out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = walk(v, changes);
  const type = out.object;
  if (typeof type === 'string') {
    for (const change of changes) {
      const t = change.downgrade[type];
      if (t) out = t(out);
    }
  }
  return out;
}
