#!/usr/bin/env bash
# Regenerates the TL schema files from mtcute's JSON rendering of the Telegram schema.
#
# Usage: tl-schema/update-schema.sh [npm-package-spec]     (default: @mtcute/core@0.30.3)
#
# Downloads the package with `npm pack` into a temporary directory, extracts it and runs
# tl-schema/convert-schema.mjs on package/tl/api-schema.json and package/tl/mtp-schema.json,
# which writes:
#   tl-schema/tl-api/src/main/tl/api.tl       (Telegram API schema, with a `// LAYER N` line)
#   tl-schema/tl-api/src/main/tl/mtproto.tl   (MTProto service schema)
# The converter verifies every constructor id against the CRC32 of its line and leaves the
# existing files untouched (exit status non-zero) if anything does not check out.
#
# Needs: node >= 20, npm, tar. Network access to the npm registry.
set -euo pipefail

readonly DEFAULT_PACKAGE='@mtcute/core@0.30.3'
readonly package_spec="${1:-$DEFAULT_PACKAGE}"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly script_dir
readonly out_dir="$script_dir/tl-api/src/main/tl"

die() {
  echo "update-schema: $*" >&2
  exit 1
}

for tool in node npm tar; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required but not on PATH"
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "node >= 20 required (found $(node --version))"

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

echo "update-schema: fetching $package_spec"
# --ignore-scripts: we only want the published tarball, never run package code.
(cd "$work_dir" && npm pack --ignore-scripts --loglevel=error "$package_spec" >/dev/null)

shopt -s nullglob
tarballs=("$work_dir"/*.tgz)
shopt -u nullglob
[ "${#tarballs[@]}" -eq 1 ] || die "expected one tarball from npm pack, found ${#tarballs[@]}"

tar -xzf "${tarballs[0]}" -C "$work_dir"
for f in package/package.json package/tl/api-schema.json package/tl/mtp-schema.json; do
  [ -f "$work_dir/$f" ] || die "$package_spec has no $f"
done

node "$script_dir/convert-schema.mjs" --package-dir "$work_dir/package" --out-dir "$out_dir"
