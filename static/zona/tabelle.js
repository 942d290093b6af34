// Wide tables scroll inside their .table-responsive wrapper (phones). A region that scrolls
// must be reachable by keyboard (WCAG 2.1.1, axe-core's scrollable-region-focusable): the
// wrapper joins the tab order only while its table is wider than it is.
(function () {
  function aggiorna() {
    document.querySelectorAll(".table-responsive").forEach(function (w) {
      if (w.scrollWidth > w.clientWidth) {
        w.setAttribute("tabindex", "0");
      } else {
        w.removeAttribute("tabindex");
      }
    });
  }
  aggiorna();
  window.addEventListener("resize", aggiorna);
})();
