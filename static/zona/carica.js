// Shows the progress indicator while a data file is being uploaded and checked: large ISTAT
// files take several seconds. No inline script, so the CSP forbids them all.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("form-carica");
  if (!form) return;
  form.addEventListener("submit", function () {
    var box = document.getElementById("avanzamento");
    var button = form.querySelector("button[type=submit]");
    if (box) box.hidden = false;
    if (button) button.disabled = true;
  });
});
