// The friends panel's forms posted without leaving the page, and its dialogs (L4).
// A static file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  var panel = document.getElementById("friends-panel");
  panel.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-fetch]")) return;
    event.preventDefault();
    fetch(form.action, {method: "POST", body: new FormData(form), headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        panel.innerHTML = html;
        var dialog = panel.querySelector("dialog[data-open]");
        if (dialog && dialog.showModal) { if (dialog.open) dialog.close(); dialog.showModal(); }
      });
  });
  panel.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open-dialog"));
      if (dialog && dialog.showModal) { event.preventDefault(); dialog.showModal(); }
    }
    if (event.target.closest("[data-close-dialog]")) {
      event.preventDefault();
      event.target.closest("dialog").close();
    }
  });
})();
