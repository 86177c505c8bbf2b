#!/usr/bin/env bash
# Fetches the web application's front-end libraries and map outlines from the npm registry
# (with the machine's npm) and copies the files served by `testigo serve` into
# crates/testigo-web/assets/vendor/, with their licences. The result is committed: building
# testigo needs no network. Run it again only to upgrade a version pinned here.
set -euo pipefail
cd "$(dirname "$0")/.."
out=crates/testigo-web/assets/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

packages=(leaflet@1.9.4 leaflet.markercluster@1.5.3 topojson-client@3.1.0 world-atlas@2.0.2 us-atlas@3.0.1)
(cd "$work" && for p in "${packages[@]}"; do npm pack --silent "$p" >/dev/null; done)
for t in "$work"/*.tgz; do
  name=$(basename "$t" .tgz)
  mkdir -p "$work/$name" && tar -xzf "$t" -C "$work/$name"
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
printf '%s\n' "${packages[@]}" > "$out"/VERSIONS
ls -l "$out"
