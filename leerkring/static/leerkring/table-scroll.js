// A table wider than the page scrolls inside its .lk-table-scroll box (leerkring.css). Someone
// on a keyboard can only scroll a box that takes focus, and a screen reader has to hear what the
// box holds, so a box that scrolls gets tabindex and a name: the table's caption or heading.
// Boxes that fit get neither, so they add no empty tab stop. Boxes named in the template keep
// their own attributes.
(function () {
  function tableName(box) {
    var table = box.querySelector("table");
    if (!table) return "";
    var caption = table.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var labelledby = table.getAttribute("aria-labelledby");
    var label = labelledby && document.getElementById(labelledby.split(" ")[0]);
    if (label) return label.textContent.trim();
    if (table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    for (var node = box.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.trim();
    }
    return "";
  }

  function update(root) {
    (root || document).querySelectorAll(".lk-table-scroll").forEach(function (box) {
      if (box.hasAttribute("tabindex") && !box.hasAttribute("data-lk-scroll")) return;
      if (box.scrollWidth > box.clientWidth + 1) {
        if (box.hasAttribute("data-lk-scroll")) return;
        box.setAttribute("data-lk-scroll", "");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", tableName(box) || document.title);
      } else if (box.hasAttribute("data-lk-scroll")) {
        ["data-lk-scroll", "tabindex", "role", "aria-label"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }

  var pending = null;
  function later() {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { pending = null; update(); });
  }
  document.addEventListener("DOMContentLoaded", function () { update(); });
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
  document.addEventListener("toggle", later, true);
})();
