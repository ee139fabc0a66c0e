// After a refused submit the page comes back with an error summary (partials/form_errors.html),
// often far below the top of a long page. Move the focus to the first one, which also scrolls
// it into view, so nobody has to look for it; the same after an htmx swap.
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = root.querySelector(".lk-error-summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    focusSummary(event.detail.target || document);
  });
})();
