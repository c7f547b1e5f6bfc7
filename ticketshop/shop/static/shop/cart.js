// The cart's countdown to its expiry; the page reloads when it is over (B1).
// A static file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  var box = document.querySelector(".expiry"); if (!box) return;
  var end = new Date(box.dataset.expires).getTime(), out = box.querySelector(".countdown");
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    out.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    if (left === 0) { clearInterval(timer); window.location.reload(); }
  }
  var timer = setInterval(tick, 1000); tick();
})();
