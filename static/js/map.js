// The directory map: a Leaflet marker per testbed and per service (at its testbed), read from
// the GeoJSON the page points to; markers at the same site gather in a cluster
// (leaflet.markercluster) that opens on a click. The table under the map lists the same records,
// so the page works without this script, without tiles (MAP_TILE_URL empty) and offline.
document.addEventListener("DOMContentLoaded", () => {
  const element = document.querySelector("[data-directory-map]");
  if (!element || typeof window.L === "undefined") {
    return;
  }
  const L = window.L;
  element.hidden = false;
  // The cluster plugin needs the map's own maxZoom: without tiles no layer gives one.
  const map = L.map(element, { worldCopyJump: true, maxZoom: 18 }).setView([30, 10], 2);
  const tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, {
      attribution: element.dataset.tileAttribution || "",
      maxZoom: 18,
      // Tile servers such as OpenStreetMap's ask to know which site uses them.
      referrerPolicy: "strict-origin-when-cross-origin",
    }).addTo(map);
  } else {
    element.classList.add("directory-map-plain");
  }
  // Explicit icon URLs: Leaflet's guess from its stylesheet fails on hashed static file names.
  const icon = L.icon({
    iconUrl: element.dataset.iconUrl,
    iconRetinaUrl: element.dataset.iconRetinaUrl,
    shadowUrl: element.dataset.shadowUrl,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    shadowSize: [41, 41],
  });

  const popup = (properties) => {
    const box = document.createElement("div");
    const name = document.createElement("strong");
    const link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    name.append(link);
    box.append(name);
    const where = [properties.testbed, properties.institute, properties.city]
      .filter(Boolean)
      .join(", ");
    if (where) {
      box.append(document.createElement("br"), where);
    }
    return box;
  };

  const failed = () => {
    element.dataset.markers = "error";
    document.querySelectorAll("[data-map-error]").forEach((note) => {
      note.hidden = false;
    });
  };

  fetch(element.dataset.source, {
    headers: { Accept: "application/geo+json" },
    credentials: "same-origin",
  })
    .then((response) => {
      if (!response.ok) {
        throw new Error(response.statusText);
      }
      return response.json();
    })
    .then((data) => {
      const layer = L.geoJSON(data, {
        pointToLayer: (feature, latlng) =>
          L.marker(latlng, {
            icon,
            title: feature.properties.name,
            alt: feature.properties.name,
          }),
        onEachFeature: (feature, marker) => marker.bindPopup(popup(feature.properties)),
      });
      // Without the cluster plugin (a stale static build), the markers still show, one each.
      const group =
        typeof L.markerClusterGroup === "function"
          ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 })
          : L.featureGroup();
      group.addLayer(layer).addTo(map);
      const count = layer.getLayers().length;
      if (count) {
        map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: 9 });
      }
      element.dataset.markers = String(count);
    })
    .catch(failed);
});
