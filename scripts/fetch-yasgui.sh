#!/usr/bin/env bash
# Vendor YASGUI (the SPARQL editor of the /query page) from the npm registry into the web package's static
# folder, so the site serves it locally (no CDN: the site works with no internet). The tarball is pinned by
# version and SHA-256; a mismatch stops here. Without npm the query page falls back to a plain form.
set -euo pipefail
VERSION="4.6.2"
PACKAGE="@zazuko/yasgui"
SHA256="6520cdd256a4003e8d45865e0d631b6456b88a0e6b65f4f3e56d78a25d74c9a7"
cd "$(dirname "$0")/.."
DEST="transform/cablegraph/web/static/vendor/yasgui"
if [ -f "$DEST/yasgui.min.js" ] && [ "$(cat "$DEST/VERSION" 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-yasgui: npm not found; the query page will use its plain form (apt-get install npm to get YASGUI)" >&2
  exit 0
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
TARBALL="$(ls "$WORK"/*.tgz)"
echo "$SHA256  $TARBALL" | sha256sum -c --quiet - || { echo "fetch-yasgui: checksum mismatch for $PACKAGE@$VERSION" >&2; exit 1; }
tar -xzf "$TARBALL" -C "$WORK" package/build/yasgui.min.js package/build/yasgui.min.css package/package.json
mkdir -p "$DEST"
cp "$WORK/package/build/yasgui.min.js" "$WORK/package/build/yasgui.min.css" "$DEST/"
node -e 'const p=require(process.argv[1]); console.log(p.name+" "+p.version+" license "+p.license)' \
  "$WORK/package/package.json" > "$DEST/PACKAGE" 2>/dev/null || true
echo "$VERSION" > "$DEST/VERSION"
echo "fetch-yasgui: $PACKAGE@$VERSION -> $DEST"
