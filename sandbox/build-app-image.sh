#!/usr/bin/env bash
# Builds the app image from the root Dockerfile on handsbot-base (sandbox/build-base-image.sh, built
# first when missing), with no image registry.
#
#   sandbox/build-app-image.sh [--force]
#
# The tag is a hash of the build's inputs (the files .dockerignore lets into the context, the
# Dockerfile, .dockerignore, and the base image's tag), so unchanged sources reuse the image already
# built; it is also tagged handsbot:latest. Progress goes to stderr; the image name is the only line on
# stdout. Needs docker (and root when the base image is to be built).
set -euo pipefail

REPOSITORY=handsbot
force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h | --help)
      sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=sandbox/debian-rootfs.sh
. "$here/debian-rootfs.sh"

base=$("$here/build-base-image.sh")
cd "$root"
# The context's files, as .dockerignore lists them (`*` excluded, then `!path` for each one let in).
mapfile -t context < <(sed -n 's#^!\(.*\)#\1#p' .dockerignore | sed 's#/$##')
tag=$(
  {
    echo "$base"
    find "${context[@]}" Dockerfile .dockerignore -type f -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-12
)
image="$REPOSITORY:$tag"

lock_builds
if [ "$force" -eq 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
  log "$image exists (use --force to rebuild)"
else
  started=$SECONDS
  log "docker build of $image on $base"
  # The classic builder: Debian's docker.io has no buildx, and the Dockerfile needs nothing more.
  DOCKER_BUILDKIT=0 docker build --build-arg "BASE_IMAGE=$base" --label "org.opencontainers.image.version=$tag" \
    -t "$image" . >&2
  log "built $image in $((SECONDS - started)) s"
fi
docker tag "$image" "$REPOSITORY:latest"
echo "$image"
