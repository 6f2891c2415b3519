#!/bin/sh
# Copy the web app's JavaScript libraries (deportsim serve's pages) from their npm packages into
# the source tree, with their licences: Observable Plot and D3 (its dependency). Run by hand when
# a version changes; needs npm and the npm registry. Nothing is fetched at run time.
set -eu
PLOT=${1:-0.6.17}
D3=${2:-7.9.2}
DEST=src/deportsim/web/static/vendor
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack "@observablehq/plot@$PLOT" "d3@$D3" --silent >/dev/null)
mkdir -p "$TMP/plot" "$TMP/d3" "$DEST"
tar xzf "$TMP"/observablehq-plot-*.tgz -C "$TMP/plot"
tar xzf "$TMP"/d3-*.tgz -C "$TMP/d3"
cp "$TMP/plot/package/dist/plot.umd.min.js" "$DEST/plot.umd.min.js"
cp "$TMP/plot/package/LICENSE" "$DEST/LICENSE-plot"
cp "$TMP/d3/package/dist/d3.min.js" "$DEST/d3.min.js"
cp "$TMP/d3/package/LICENSE" "$DEST/LICENSE-d3"
printf 'Observable Plot %s (ISC) and D3 %s (ISC), from npm; see scripts/vendor_web.sh\n' "$PLOT" "$D3" > "$DEST/README"
echo "Observable Plot $PLOT and D3 $D3 copied to $DEST"
