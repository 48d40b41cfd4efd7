/**
 * The `post-receive` hook `publish:local-git` installs in every bare repository it
 * creates: for each updated branch (not deletions, not tags) it posts
 * `{repository: <the bare repo's absolute path>, ref, sha}` to `<localCiUrl>/runs`
 * (see `POST /runs`) and prints the run's log URL to the pusher. It never fails a push:
 * when the local CI does not answer within 5 s, it says so and exits 0.
 * Needs `sh` and `curl`.
 *
 * @param localCiUrl - base URL of the local CI, e.g. `http://localhost:7400`
 */
export function postReceiveHook(localCiUrl: string): string {
  const url = localCiUrl.replace(/\/+$/, '');
  return `#!/bin/sh
# Installed by Slipway's publish:local-git: every push to a branch runs this repository's
# ci/run.sh in the local CI (${url}, packages/local-ci).
LOCAL_CI_URL="\${SLIPWAY_LOCAL_CI_URL:-${url}}"
repo="$(cd "\${GIT_DIR:-.}" && pwd)"
while read -r old new ref; do
  case "$ref" in refs/heads/*) ;; *) continue ;; esac
  [ "$new" = "0000000000000000000000000000000000000000" ] && continue
  body=$(printf '{"repository":"%s","ref":"%s","sha":"%s"}' "$repo" "$ref" "$new")
  if answer=$(curl -sS --fail-with-body --max-time 5 -H 'content-type: application/json' -d "$body" "$LOCAL_CI_URL/runs" 2>&1); then
    log=$(printf '%s' "$answer" | sed -n 's/.*"logUrl":"\\([^"]*\\)".*/\\1/p')
    echo "local CI: \${ref#refs/heads/} \${new%\${new#??????????}} queued\${log:+; log: $log}"
  else
    echo "local CI: not reachable at $LOCAL_CI_URL ($answer); no CI run for \${ref#refs/heads/}"
  fi
done
exit 0
`;
}
