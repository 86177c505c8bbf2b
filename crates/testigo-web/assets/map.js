// testigo: the incident map. Leaflet over an offline base layer (Natural Earth country
// outlines, US state outlines and the states of Mexico and Central America, served by testigo
// itself; no tile server), clustered markers coloured by event type, popups linking to
// incidents. Served as a file (no inline script).
"use strict";
(function () {
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var colours = ["#c0392b", "#8e44ad", "#2471a3", "#d68910", "#117a65", "#5d6d7e"];
  var types = (el.getAttribute("data-types") || "").split("|");
  // Without tiles nothing sets a zoom range, which the clusters need.
  var map = L.map(el, { worldCopyJump: true, minZoom: 2, maxZoom: 12 }).setView([20, -95], 4);
  // The outlines have a pane of their own under the markers' (Leaflet's overlay pane is at
  // z-index 400), so that the opaque land never covers a marker, whichever loads first.
  map.createPane("outlines").style.zIndex = 350;
  var renderer = L.svg({ pane: "outlines" });
  // A layer of outlines, or null when its file cannot be had (the others are drawn anyway).
  function outline(url, object, style) {
    return fetch(url).then(function (r) { return r.json(); }).then(function (topo) {
      return L.geoJSON(topojson.feature(topo, topo.objects[object]),
        { style: style, interactive: false, pane: "outlines", renderer: renderer });
    }).catch(function () { return null; });
  }
  var states = { color: "#a3afbd", weight: 0.6, fill: false, dashArray: "3" };
  // Fetched at once, drawn in this order: the land first, the state borders over it.
  var base = Promise.all([
    outline("/static/vendor/countries-50m.json", "countries",
      { color: "#7b8a9c", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 }),
    outline("/static/vendor/us-states-10m.json", "states", states),
    outline("/static/vendor/admin1-mx-ca.json", "states", states)
  ]).then(function (layers) {
    var drawn = layers.filter(function (layer) { return layer; });
    drawn.forEach(function (layer) { layer.addTo(map); });
    el.setAttribute("data-outlines", String(drawn.length));
    return drawn;
  });
  fetch(el.getAttribute("data-points"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var cluster = L.markerClusterGroup({ maxClusterRadius: 40 });
      data.items.forEach(function (p) {
        var i = types.indexOf(p.event_type);
        var marker = L.circleMarker([p.latitude, p.longitude], {
          radius: 7, color: "#222", weight: 1, fillOpacity: 0.9,
          fillColor: colours[i >= 0 ? i % colours.length : 0]
        });
        var box = document.createElement("div");
        var a = document.createElement("a");
        a.href = "/incidents/" + encodeURIComponent(p.id);
        a.className = "map-incident";
        a.textContent = "#" + p.id + " " + (p.place || p.admin1 || "");
        box.appendChild(a);
        var line = document.createElement("div");
        line.textContent = [p.event_date || "", p.sub_event_type, p.fatalities != null ? p.fatalities + " †" : ""]
          .filter(function (x) { return x; }).join(" · ");
        box.appendChild(line);
        marker.bindPopup(box);
        cluster.addLayer(marker);
      });
      map.addLayer(cluster);
      el.setAttribute("data-count", String(data.items.length));
      if (data.items.length) { map.fitBounds(cluster.getBounds(), { maxZoom: 7, padding: [30, 30] }); }
      return base;
    });
})();
