// Small page helpers (no inline scripts: the CSP allows only this origin's files).
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  field.select();
  navigator.clipboard.writeText(field.value).then(function () {
    button.textContent = "Copied";
  });
});
