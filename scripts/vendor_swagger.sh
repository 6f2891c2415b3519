#!/bin/sh
# Copy Swagger UI (the /docs page of deportsim serve) from its npm package into the source tree.
# Run by hand when the version changes; needs npm and the npm registry.
set -eu
VERSION=${1:-5.36.0}
DEST=src/deportsim/server/static/swagger
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack "swagger-ui-dist@$VERSION" --silent >/dev/null && tar xzf swagger-ui-dist-*.tgz)
mkdir -p "$DEST"
for f in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt favicon-32x32.png; do
  cp "$TMP/package/$f" "$DEST/"
done
echo "swagger-ui-dist $VERSION copied to $DEST"
