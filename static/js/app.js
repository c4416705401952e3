// Small behaviours shared by every page. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // Buttons and links with data-confirm ask before they act.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // After an htmx swap, move focus to an element that asks for it, so that
  // keyboard and screen-reader users land where the change happened.
  document.addEventListener("htmx:afterSettle", function (event) {
    var focus = event.target.querySelector("[data-autofocus]");
    if (focus) {
      focus.focus();
    }
  });
})();
