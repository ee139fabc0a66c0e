// After a refused submit the page comes back with an error summary (partials/form_errors.html),
// often far below the top of a long page. Move the focus to the first one and scroll it to the
// top of the window, so nobody has to look for it; the same after an htmx swap. This waits for
// "load": scrolled earlier, the stylesheets still to come would move the summary away again.
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = root.querySelector(".lk-error-summary");
    if (summary) {
      summary.focus({ preventScroll: true });
      summary.scrollIntoView({ block: "start" });
    }
  }

  window.addEventListener("load", function () {
    focusSummary(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    focusSummary(event.detail.target || document);
  });
})();
