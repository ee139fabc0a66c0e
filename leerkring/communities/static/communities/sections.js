// Folded sections (the community page, the members page): a link to anything inside one (the
// index at the top, a link from elsewhere, the return after a change) opens that section, and
// an opened section is remembered in the address so the back button and a shared link return
// to it. Without JavaScript the sections still open by clicking their title.
(function () {
  function openFromHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    var fold = target && target.closest("details.lk-fold");
    if (fold && !fold.open) {
      fold.open = true;
      target.scrollIntoView();
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    openFromHash();
    window.addEventListener("hashchange", openFromHash);
    document.querySelectorAll("details.lk-fold").forEach(function (fold) {
      fold.addEventListener("toggle", function () {
        if (fold.open && window.location.hash !== "#" + fold.id) {
          history.replaceState(null, "", "#" + fold.id);
        }
      });
    });
  });
})();
