#!/usr/bin/env bash
# Assembles a Node 22 base image from this machine's own files, for machines where no image
# registry is reachable (../../../shared/ENVIRONMENT.md: "a Node base image can be assembled
# from the Node that bootstrap installs plus the shared libraries ldd names"). It stands in
# for node:22-bookworm-slim in packages/release-manager/Dockerfile: the project's Node,
# git (with git-remote-https) and ssh from Debian, /bin/sh and a few core tools, every
# shared library they load, CA certificates, and the user `node` (uid 1000) as in the
# official image. Where a registry is reachable, use the official image instead.
#
# Usage: deploy/release-manager/local-base-image.sh [image-name]   (default localhost/slipway/node-base:22)
# Needs podman (with the project's containers.conf, see CONTAINERS_CONF below).
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
IMAGE="${1:-localhost/slipway/node-base:22}"
NODE_BIN="$(command -v node)"
[ "$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')" = 22 ] || { echo "local-base-image: needs Node 22 on PATH" >&2; exit 1; }

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

bins=(/bin/sh /bin/dash /usr/bin/env /bin/mkdir /bin/chown /bin/cat /bin/ls /bin/rm /usr/bin/id
  /usr/bin/git /usr/bin/ssh /usr/bin/ssh-keygen)
# every git helper (git-remote-https, git-upload-pack, ...)
mapfile -t git_core < <(find /usr/lib/git-core -maxdepth 1 -type f -perm -u+x)

copy() { # copy a file (following symlinks) to the same path in the image root
  mkdir -p "$root$(dirname "$1")"
  cp -L "$1" "$root$1"
}
for f in "${bins[@]}"; do copy "$f"; done
# git's helpers as Debian lays them out (symlinks to git stay symlinks)
mkdir -p "$root/usr/lib"
cp -a /usr/lib/git-core "$root/usr/lib/"
for l in /usr/bin/git-receive-pack /usr/bin/git-upload-pack /usr/bin/git-upload-archive; do
  cp -a "$l" "$root$l"
done
mkdir -p "$root/usr/local/bin"
cp -L "$NODE_BIN" "$root/usr/local/bin/node"

# the shared libraries (and the dynamic loader) of every binary
for f in "$NODE_BIN" "${bins[@]}" "${git_core[@]}"; do
  { ldd "$f" 2>/dev/null || true; } | awk '/=> \//{print $3} /^[ \t]*\/lib/{print $1}'
done | sort -u | while read -r lib; do copy "$lib"; done
# name service libraries that glibc loads at run time (user and host look-ups)
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 \
  /lib/aarch64-linux-gnu/libnss_files.so.2 /lib/aarch64-linux-gnu/libnss_dns.so.2; do
  if [ -e "$lib" ]; then copy "$lib"; fi
done

mkdir -p "$root/usr/share" "$root/etc/ssh" "$root/etc/ssl/certs" "$root/tmp" "$root/home/node"
cp -r /usr/share/git-core "$root/usr/share/"                 # templates for git init/clone
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
cp /etc/ssh/ssh_config "$root/etc/ssh/" 2>/dev/null || true
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' > "$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
chown 1000:1000 "$root/home/node"

conf="${CONTAINERS_CONF:-}"
if [ -z "$conf" ]; then
  conf="${SLIPWAY_DATA:-$ROOT/.data}/podman/containers.conf"
  mkdir -p "$(dirname "$conf")"
  [ -f "$conf" ] || printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' > "$conf"
fi
tar -C "$root" -cf - . | CONTAINERS_CONF="$conf" podman import \
  --change 'ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' - "$IMAGE" >/dev/null
echo "$IMAGE"
