// Refreshes the availability badges of the page (C5) through the website's own endpoint, which
// answers from the same server-side path as the page (SecuTix's availability methods, cached):
// one request for every badge, every minute, without reloading the page. A badge that sums up
// an event (kind "summary") is the best of its performances, as on the server. A performance
// or event that turns full loses its Book link, as the server would have rendered it.
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = script && script.dataset.endpoint;
  var labels = JSON.parse(document.getElementById("availability-labels").textContent);
  var classes = { 1: "available", 2: "few-left", 3: "full" };

  function badges() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-availability-kind]"));
  }

  function performanceIds(badge) {
    return (badge.dataset.availabilityIds || "").split(",").filter(Boolean);
  }

  function summary(badge, found) {
    var best = null;
    var ids = performanceIds(badge);
    ids.forEach(function (id) {
      var item = found["performance:" + id];
      if (item && (best === null || item.indicator < best.indicator)) best = item;
    });
    if (best && ids.length > 1) best = { indicator: best.indicator, remaining: null };
    return best;
  }

  function soldOut(badge) {
    var row = badge.closest("tr, .event-actions, .event-card");
    var book = row && row.querySelector("a.book");
    if (!book) return;
    var span = document.createElement("span");
    span.className = "not-bookable not-bookable-full";
    span.textContent = labels.soldOut;
    book.replaceWith(span);
  }

  function update(badge, item) {
    var indicator = item ? item.indicator : null;
    var css = classes[indicator] || "unknown";
    var label = labels[indicator] || labels.unknown;
    badge.className = "availability availability-" + css;
    badge.setAttribute("aria-label", labels.prefix + ": " + label);
    badge.querySelector(".availability-text").textContent = label;
    var remaining = badge.querySelector(".availability-remaining");
    if (item && item.remainingText && (indicator === 1 || indicator === 2)) {
      if (!remaining) {
        remaining = document.createElement("span");
        remaining.className = "availability-remaining";
        badge.appendChild(document.createTextNode(" "));
        badge.appendChild(remaining);
      }
      remaining.textContent = "(" + item.remainingText + ")";
    } else if (remaining) {
      remaining.remove();
    }
    if (indicator === 3) soldOut(badge);
    badge.dataset.refreshed = "true";
  }

  function refresh() {
    var all = badges();
    if (!endpoint || !all.length) return;
    var ids = { product: {}, performance: {} };
    all.forEach(function (b) {
      var kind = b.dataset.availabilityKind;
      if (kind === "summary") {
        performanceIds(b).forEach(function (id) { ids.performance[id] = true; });
      } else if (ids[kind]) {
        ids[kind][b.dataset.availabilityId] = true;
      }
    });
    var query = ["lang=" + encodeURIComponent(document.documentElement.lang || "")];
    var products = Object.keys(ids.product);
    var performances = Object.keys(ids.performance);
    if (products.length) query.push("products=" + products.join(","));
    if (performances.length) query.push("performances=" + performances.join(","));
    fetch(endpoint + "?" + query.join("&"), { credentials: "omit", cache: "no-cache" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (answer) {
        var found = {};
        (answer.availabilities || []).forEach(function (a) { found[a.kind + ":" + a.id] = a; });
        all.forEach(function (b) {
          var kind = b.dataset.availabilityKind;
          update(b, kind === "summary" ? summary(b, found) : found[kind + ":" + b.dataset.availabilityId]);
        });
      })
      .catch(function () { /* keep what the page showed; the next round may work */ });
  }

  window.refreshAvailability = refresh;
  document.addEventListener("DOMContentLoaded", refresh);
  setInterval(refresh, 60000);
})();
