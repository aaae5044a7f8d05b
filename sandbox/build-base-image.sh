#!/usr/bin/env bash
# Builds handsbot-base, the base of the app image (the root Dockerfile) and the image docker-compose.yml
# runs Redis from, without an image registry: debootstrap a minimal Debian trixie from the package
# mirror apt already uses, with Node.js, npm, tini, git and redis-server from Debian's packages, and
# `docker import` the tree. Trixie, not bookworm: package.json asks for Node >= 20.18 and bookworm's
# nodejs is 18.20; trixie's is 20.19.
#
#   sandbox/build-base-image.sh [--force]
#
# The tag is a hash of this script, debian-rootfs.sh and the host's extra CA certificates, so changing
# them yields a new image and unchanged inputs reuse the one already built; it is also tagged
# handsbot-base:latest, the Dockerfile's default BASE_IMAGE. Progress goes to stderr; the image name
# is the only line on stdout. Needs root, debootstrap and docker.
#
# The CA certificates this host adds (/usr/local/share/ca-certificates: a site's TLS-inspecting proxy,
# a GitHub Enterprise Server's private CA) are trusted in the image too, by the system and by Node
# (NODE_EXTRA_CA_CERTS): `npm ci` in the Dockerfile and the app's calls to GitHub pass through the
# same proxy the host does.
set -euo pipefail

REPOSITORY=handsbot-base
SUITE=trixie
# redis-server: compose's Redis runs from this image too, as the app's from node; a few MB, and one
# image to build instead of two.
PACKAGES=ca-certificates,nodejs,npm,tini,git,redis-server

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h | --help)
      sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=sandbox/debian-rootfs.sh
. "$here/debian-rootfs.sh"
extra_cas=(/usr/local/share/ca-certificates/*.crt)
[ -e "${extra_cas[0]}" ] || extra_cas=()
image="$REPOSITORY:$(input_hash "$here/build-base-image.sh" "$here/debian-rootfs.sh" ${extra_cas[@]+"${extra_cas[@]}"})"

require_build_tools
lock_builds

if [ "$force" -eq 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
  log "$image exists (use --force to rebuild)"
else
  make_rootfs "$SUITE" "$PACKAGES"
  if [ ${#extra_cas[@]} -gt 0 ]; then
    log "trusting this host's extra CA certificates: ${extra_cas[*]##*/}"
    cp "${extra_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >&2
  fi
  # Redis keeps its append-only file in /data, owned by its user, as in the registry's redis image: a
  # new named volume mounted there takes that owner.
  chroot "$rootfs" install -d -o redis -g redis -m 0750 /data
  slim_rootfs
  import_rootfs "$image" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    'LABEL org.opencontainers.image.title=handsbot-base' \
    'CMD ["node"]'
fi
docker tag "$image" "$REPOSITORY:latest"
echo "$image"
