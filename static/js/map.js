/* Archipel maps: Leaflet without tiles, a bundled world outline and one circle per place.
 *
 * <div data-map="ID" data-world="URL">: ID is the id of a `json_script` element holding
 * [{name, lat, lng, url, kind}], URL the GeoJSON world outline served from our own static files.
 * The list of the same places on the page is the alternative to the map.
 */
(function () {
  "use strict";

  if (typeof L === "undefined") {
    return;
  }

  var WORLD_STYLE = { color: "#9aa5b1", weight: 0.6, fillColor: "#f5f2ea", fillOpacity: 1 };
  var POINT_STYLE = { radius: 6, color: "#ffffff", weight: 1.5, fillColor: "#1d5fa8", fillOpacity: 0.95 };
  var HOME_STYLE = { radius: 9, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 };

  function readPoints(container) {
    var source = document.getElementById(container.getAttribute("data-map"));
    if (!source) {
      return [];
    }
    try {
      var points = JSON.parse(source.textContent);
      return Array.isArray(points) ? points : [];
    } catch (error) {
      return [];
    }
  }

  // Built from DOM nodes, never from HTML strings: names come from the database.
  function popupContent(point) {
    var wrapper = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    wrapper.appendChild(link);
    if (point.kind && point.kind !== "home") {
      var kind = document.createElement("div");
      kind.className = "map-popup-kind";
      kind.textContent = point.kind;
      wrapper.appendChild(kind);
    }
    return wrapper;
  }

  function drawWorld(map, url) {
    if (!url || !window.fetch) {
      return;
    }
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (world) {
        L.geoJSON(world, { pane: "world", style: WORLD_STYLE, interactive: false }).addTo(map);
      })
      .catch(function () {
        // Without the outline the places are still drawn; the list stays the alternative.
      });
  }

  function initMap(container) {
    var points = readPoints(container);
    var map = L.map(container, {
      minZoom: 1,
      maxZoom: 10,
      zoomSnap: 0.5,
      scrollWheelZoom: false,
      worldCopyJump: false,
      maxBounds: [[-85, -240], [85, 240]],
    });
    map.createPane("world").style.zIndex = 350; // under the markers' overlay pane (400)
    map.attributionControl.addAttribution("Natural Earth");

    points = points.filter(function (point) {
      return typeof point.lat === "number" && typeof point.lng === "number";
    });
    var bounds = points.map(function (point) {
      return [point.lat, point.lng];
    });
    // The view first: Leaflet creates a marker's SVG path only once the map has one.
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 6 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 5);
    } else {
      map.setView([20, 0], 1);
    }
    // The home city last, so that it is drawn above its neighbours.
    points.sort(function (a, b) {
      return (a.kind === "home") - (b.kind === "home");
    });
    points.forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lng], point.kind === "home" ? HOME_STYLE : POINT_STYLE);
      marker.bindTooltip(point.name, { direction: "top", offset: [0, -6] });
      marker.bindPopup(popupContent(point));
      marker.addTo(map);
    });

    drawWorld(map, container.getAttribute("data-world"));
    container.classList.add("map-ready");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), initMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
