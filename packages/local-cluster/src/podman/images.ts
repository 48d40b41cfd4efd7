/**
 * Whether the image reference `ref` (as written in a manifest) names one of the
 * local images `names` (podman's `Names`, ids and digests, see Podman.imageNames).
 * Follows podman's rules for local look-ups: no tag means `:latest`, a name
 * without a registry matches it under any registry (`x/y:1` is found as
 * `localhost/x/y:1` or `docker.io/x/y:1`), and `@sha256:` digests match digests.
 */
export function imagePresent(ref: string, names: Set<string>): boolean {
  if (names.has(ref)) return true;
  const at = ref.indexOf('@');
  if (at >= 0) return names.has(ref.slice(at + 1));
  if (/^[0-9a-f]{12,64}$/.test(ref)) {
    for (const n of names) if (n.startsWith(ref)) return true;
  }
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  const tagged = last.includes(':') ? ref : `${ref}:latest`;
  if (names.has(tagged)) return true;
  const first = tagged.split('/')[0];
  const hasRegistry =
    tagged.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return false;
  for (const n of names) if (n.endsWith(`/${tagged}`)) return true;
  return false;
}
