#!/usr/bin/env bash
# Builds the sandbox image without an image registry: debootstrap a minimal Debian bookworm from the
# package mirror apt already uses, add the unprivileged `agent` user, and `docker import` the tree.
# The result matches sandbox/Dockerfile (built where a registry is reachable).
#
#   sandbox/build-image.sh [--force] [TAG]
#
# TAG defaults to a hash of this script, so editing it (the package list...) yields a new image and
# an unchanged script reuses the one already built. Progress goes to stderr; the image name is the
# only line on stdout, for `image=$(sandbox/build-image.sh)`. Needs root, debootstrap and docker.
# HANDSBOT_DEBIAN_MIRROR overrides the mirror found in /etc/apt/sources.list*.
set -euo pipefail

REPOSITORY=handsbot-sandbox
SUITE=bookworm
AGENT_UID=10001
# git/curl for the agent's work, procps for `ps`/`pkill` (the workspace interrupts with them),
# build-essential, Node and Python for the usual project setups, ripgrep for searching.
PACKAGES=bash,ca-certificates,curl,git,procps,build-essential,nodejs,npm,python3,python3-venv,ripgrep,less,xz-utils,unzip

force=0
tag=
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h | --help)
      sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "unknown option: $arg" >&2
      exit 2
      ;;
    *) tag=$arg ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
tag=${tag:-$(sha256sum "$here/build-image.sh" | cut -c1-12)}
image="$REPOSITORY:$tag"
log() { printf 'build-image: %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  echo "build-image.sh needs root (debootstrap and chroot); run it with sudo." >&2
  exit 1
fi
for tool in debootstrap docker; do
  command -v "$tool" >/dev/null || {
    echo "build-image.sh needs $tool (apt-get install -y ${tool/docker/docker.io})." >&2
    exit 1
  }
done

# Two CI jobs on one machine must not build (and import) the same image at once.
exec 9>"/tmp/handsbot-sandbox-build.lock"
flock 9

if [ "$force" -eq 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
  log "$image exists (use --force to rebuild)"
  echo "$image"
  exit 0
fi

# The first Debian mirror apt is configured with (deb822 .sources or one-line lists); deb.debian.org
# otherwise. Security and third-party entries are skipped: debootstrap wants the main archive.
find_mirror() {
  local file uri
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$file" | grep -E '/debian/?$' | head -n1 || true)
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; break } }' "$file" |
      grep -E '/debian/?$' | head -n1 || true)
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  echo http://deb.debian.org/debian
}
mirror=${HANDSBOT_DEBIAN_MIRROR:-$(find_mirror)}

rootfs=$(mktemp -d /var/tmp/handsbot-rootfs.XXXXXX)
cleanup() {
  umount "$rootfs/proc" 2>/dev/null || true
  rm -rf "$rootfs"
}
trap cleanup EXIT

started=$SECONDS
log "debootstrap $SUITE from $mirror into $rootfs"
debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >&2
log "base system in $((SECONDS - started)) s; installing ${PACKAGES//,/ }"
# The packages go in with apt inside the new tree, not debootstrap's --include: its resolver ignores
# alternatives and virtual packages, and npm's dependency tree fails to configure through it.
echo "deb $mirror $SUITE main" >"$rootfs/etc/apt/sources.list"
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" apt-get -qq -o APT::Sandbox::User=root update >&2
DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get -qq -o APT::Sandbox::User=root install -y --no-install-recommends \
  -o Dpkg::Use-Pty=0 ${PACKAGES//,/ } >/dev/null
chroot "$rootfs" apt-get clean
umount "$rootfs/proc"

# Numeric ids on purpose: the workspace may run the container as the worker's own uid instead, and
# HOME is a tmpfs mounted at run time (the root filesystem is read-only).
chroot "$rootfs" groupadd --gid "$AGENT_UID" agent
chroot "$rootfs" useradd --uid "$AGENT_UID" --gid "$AGENT_UID" --create-home --shell /bin/bash agent
mkdir -p "$rootfs/workspace"
chmod 0755 "$rootfs/workspace"

# What a sandbox never needs: package caches and lists, documentation.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
  "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/var/cache/debconf/*-old \
  "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname
log "rootfs ready in $((SECONDS - started)) s ($(du -sh "$rootfs" | cut -f1))"

tar --numeric-owner -C "$rootfs" -c . |
  docker import \
    --change "USER $AGENT_UID:$AGENT_UID" \
    --change 'WORKDIR /workspace' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/home/agent' \
    --change 'LABEL org.opencontainers.image.title=handsbot-sandbox' \
    --change 'CMD ["sleep", "infinity"]' \
    - "$image" >&2
log "imported $image in $((SECONDS - started)) s total"
echo "$image"
