// testigo: clicking a value highlights the evidence spans that back it in the source text.
// Served as a file so that the Content-Security-Policy can forbid inline script.
"use strict";
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("[data-ev]") : null;
  if (!link) { return; }
  event.preventDefault();
  document.querySelectorAll("mark.hl").forEach(function (m) { m.classList.remove("hl"); });
  var first = null;
  link.getAttribute("data-ev").split(" ").forEach(function (k) {
    if (!/^[0-9]+$/.test(k)) { return; }
    document.querySelectorAll("mark.e" + k).forEach(function (m) {
      m.classList.add("hl");
      if (!first) { first = m; }
    });
  });
  if (first) {
    first.scrollIntoView({ behavior: "smooth", block: "center" });
    history.replaceState(null, "", link.getAttribute("href"));
  }
});

// A form whose button carries data-confirm (disabling an account) asks before it is sent.
document.addEventListener("submit", function (event) {
  var button = event.target.querySelector ? event.target.querySelector("[data-confirm]") : null;
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
