// Draws the grid polygons of a unit on a blank base (no tile server needed).
// A tile layer can be added by setting data-tiles on the map element.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var map = L.map(el, { attributionControl: false });
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  fetch(el.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      style: { color: "#c8161d", weight: 1, fillOpacity: 0.08 },
      onEachFeature: function (f, l) {
        // A text node, never HTML: unit names are typed by people.
        var label = document.createElement("span");
        label.textContent = f.properties.name;
        l.bindTooltip(label);
        l.on("click", function () { window.location = f.properties.url; });
      }
    }).addTo(map);
    if (data.features.length) map.fitBounds(layer.getBounds()); else map.setView([35.40, 116.60], 12);
  });
})();
