// Refreshes the availability badges of the page from the ticketshop's public endpoint (C5),
// in one request for every badge, every minute, without reloading the page.
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = script && script.dataset.endpoint;
  var labels = JSON.parse(document.getElementById("availability-labels").textContent);
  var classes = { 1: "available", 2: "few-left", 3: "full" };

  function badges() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-availability-kind]"));
  }

  function update(badge, item) {
    var indicator = item ? item.indicator : null;
    var css = classes[indicator] || "unknown";
    var label = labels[indicator] || labels.unknown;
    badge.className = "availability availability-" + css;
    badge.setAttribute("aria-label", labels.prefix + ": " + label);
    badge.querySelector(".availability-text").textContent = label;
    var remaining = badge.querySelector(".availability-remaining");
    if (remaining && (!item || item.indicator === 3)) remaining.remove();
    badge.dataset.refreshed = "true";
  }

  function refresh() {
    var all = badges();
    if (!endpoint || !all.length) return;
    var ids = { product: [], performance: [] };
    all.forEach(function (b) { ids[b.dataset.availabilityKind].push(b.dataset.availabilityId); });
    var query = [];
    if (ids.product.length) query.push("products=" + ids.product.join(","));
    if (ids.performance.length) query.push("performances=" + ids.performance.join(","));
    fetch(endpoint + "?" + query.join("&"), { credentials: "omit", cache: "no-cache" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (answer) {
        var found = {};
        ["product", "performance"].forEach(function (kind) {
          var section = answer[kind + "s"] || {};
          (section.availabilities || []).forEach(function (a) { found[kind + ":" + a[kind + "Id"]] = a; });
        });
        all.forEach(function (b) {
          update(b, found[b.dataset.availabilityKind + ":" + b.dataset.availabilityId]);
        });
      })
      .catch(function () { /* keep what the page showed; the next round may work */ });
  }

  window.refreshAvailability = refresh;
  document.addEventListener("DOMContentLoaded", refresh);
  setInterval(refresh, 60000);
})();
