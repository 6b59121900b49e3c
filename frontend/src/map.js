// The map view: a marker for each row's WKT point, its popup naming the row and linking the row's resource.
// Base layers: the shipped outline of Germany (GeoJSON, drawn offline) where the server has one, and a tile layer
// where the operator configured one (MPSC_MAP_TILES); with neither, markers on a plain background.
import * as L from "leaflet";

const POINT = /POINT\s*\(\s*(-?[\d.]+(?:[eE][-+]?\d+)?)\s+(-?[\d.]+(?:[eE][-+]?\d+)?)\s*\)/i;
const GERMANY = [[47.2, 5.8], [55.1, 15.1]];

export function parsePoint(wkt) {
  const match = POINT.exec(wkt);
  return match ? [Number(match[2]), Number(match[1])] : null; // WKT says lon lat; Leaflet wants lat, lon
}

function popup(row, data, labelColumn) {
  const content = document.createElement("div");
  const named = labelColumn >= 0 ? row[labelColumn] : null;
  const title = document.createElement("strong");
  title.textContent = named && named.text ? named.text : "";
  content.append(title);
  const linked = row.find((cell, i) => cell.href && data.kinds[i] === "iri");
  if (linked) {
    const link = document.createElement("a");
    link.href = linked.href;
    link.textContent = linked.text;
    if (document.body.classList.contains("embedded")) {
      // pages may not be framed: in a portal's frame a link opens beside it (a web developer's review)
      link.target = "_blank";
      link.rel = "noopener";
    }
    content.append(document.createElement("br"), link);
  }
  return content;
}

// The outline's source is credited in the page's language (words.outline, from the server), else as the file
// itself credits it: a top-level "attribution" member (text), if it has one.
function outline(map, url, attribution, credit) {
  fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
    .then((answer) => (answer.ok ? answer.json() : null))
    .then((geojson) => {
      if (!geojson) return;
      L.geoJSON(geojson, { interactive: false, style: { color: "#7b8694", weight: 1, fillColor: "#e3e8ee", fillOpacity: 1 } })
        .addTo(map).bringToBack();
      const text = credit || geojson.attribution;
      if (typeof text === "string" && text) attribution.addAttribution(escape(text));
    })
    .catch(() => {}); // the markers stand without the outline
}

// A popup opened from the keyboard takes the focus (it is the last thing on the page, after every marker) and
// gives it back to its marker when Escape or its button closes it; its button is named in the page's language;
// no fading and zooming for a reader who asked for less motion (a keyboard and screen-reader user's review).
// The marker is the one the popup belongs to (`propagatedFrom`), and the focus goes back only from the popup:
// opening another marker's popup closes this one first, and the focus stays on that marker (a review).
function accessiblePopups(markers, words) {
  const openers = new WeakMap();
  markers.on("popupopen", (event) => {
    const element = event.popup.getElement();
    const close = element.querySelector(".leaflet-popup-close-button");
    if (close && words.close) close.setAttribute("aria-label", words.close);
    if (!element.dataset.escapes) { // Leaflet keeps a popup's element: one listener each
      element.dataset.escapes = "1";
      element.addEventListener("keydown", (key) => {
        if (key.key === "Escape") event.popup.close();
      });
    }
    const marker = event.propagatedFrom.getElement();
    if (document.activeElement !== marker) return; // opened by a click: the focus stays where it is
    openers.set(event.popup, marker);
    (element.querySelector("a[href]:not(.leaflet-popup-close-button)") || close || element).focus();
  });
  markers.on("popupclose", (event) => {
    const marker = openers.get(event.popup);
    openers.delete(event.popup);
    const focus = document.activeElement;
    if (marker && (!focus || focus === document.body || event.popup.getElement().contains(focus))) marker.focus();
  });
}

export function drawMap(container, data, words) {
  const pointColumn = Number(container.dataset.point);
  const labelColumn = Number(container.dataset.label);
  const still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const map = L.map(container, { attributionControl: false, zoomSnap: 0.25, fadeAnimation: !still,
    zoomAnimation: !still, markerZoomAnimation: !still });
  map.zoomControl.remove();
  L.control.zoom({ zoomInTitle: words.zoomIn || "+", zoomOutTitle: words.zoomOut || "−" }).addTo(map);
  const attribution = L.control.attribution({ prefix: false }).addTo(map);
  if (container.dataset.tiles) {
    L.tileLayer(container.dataset.tiles, { maxZoom: 18 }).addTo(map);
    if (container.dataset.attribution) attribution.addAttribution(escape(container.dataset.attribution));
  }
  if (container.dataset.outline) outline(map, container.dataset.outline, attribution, words.outline);
  const markers = L.featureGroup().addTo(map);
  accessiblePopups(markers, words);
  for (const row of data.rows) {
    const point = parsePoint(row[pointColumn].text);
    if (!point) continue;
    const label = labelColumn >= 0 && row[labelColumn] ? row[labelColumn].text : "";
    const icon = L.divIcon({ className: "result-marker", iconSize: [14, 14] });
    L.marker(point, { icon, title: label, alt: label, keyboard: true }).bindPopup(popup(row, data, labelColumn)).addTo(markers);
  }
  if (markers.getLayers().length) map.fitBounds(markers.getBounds(), { padding: [24, 24], maxZoom: 11 });
  else map.fitBounds(GERMANY);
  return { map, markers };
}

function escape(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span.innerHTML;
}
