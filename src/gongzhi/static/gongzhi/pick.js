// Lets a person place a point on the map (a tap, or the phone's location)
// and writes it to the form's hidden lat/lng fields.
(function () {
  var el = document.getElementById("pick-map");
  if (!el || !window.L) return;
  var lat = document.getElementById("id_lat"), lng = document.getElementById("id_lng");
  var picked = document.getElementById("picked");
  var map = L.map(el, { attributionControl: false }).setView([35.40, 116.63], 12);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  var marker = null;
  function place(latlng) {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    lat.value = latlng.lat.toFixed(6); lng.value = latlng.lng.toFixed(6);
    picked.textContent = lat.value + ", " + lng.value;
  }
  fetch(el.dataset.grids).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, { style: { color: "#c8161d", weight: 1, fillOpacity: 0.05 } }).addTo(map);
    layer.on("click", function (e) { place(e.latlng); });
    if (data.features.length) map.fitBounds(layer.getBounds());
    if (lat.value && lng.value) place(L.latLng(+lat.value, +lng.value));
  });
  map.on("click", function (e) { place(e.latlng); });
  var me = document.getElementById("locate-me");
  if (me) me.addEventListener("click", function () {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (p) {
      var ll = L.latLng(p.coords.latitude, p.coords.longitude); place(ll); map.setView(ll, 16);
    });
  });
})();
