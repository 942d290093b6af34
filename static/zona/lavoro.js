// Reloads a job's page every two seconds until the job ends (queued or running). No inline
// script: the CSP forbids them all.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("lavoro");
  if (!box || box.dataset.finito === "1") return;
  window.setTimeout(function () { window.location.reload(); }, 2000);
});
