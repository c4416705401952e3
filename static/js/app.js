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

  // htmx swaps in new markup, live regions included, and screen readers do not
  // announce a region that was not on the page before. So the page keeps one polite
  // region (#announcer in base.html) and says there what the new fragment says in
  // its [data-announce] element, unless that took the focus above (then it has been
  // read). Emptied first, so the same words twice are heard twice.
  document.addEventListener("htmx:afterSettle", function (event) {
    var fragment = event.target;
    var source = fragment.matches("[data-announce]")
      ? fragment
      : fragment.querySelector("[data-announce]");
    var region = document.getElementById("announcer");
    if (!source || !region || source.contains(document.activeElement)) {
      return;
    }
    var text = source.textContent.replace(/\s+/g, " ").trim();
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 100);
  });

  // A double click must not send a form twice (two check-ins, two comments). Once a
  // plain POST form is on its way, further submits of it are dropped and its buttons
  // show it. htmx forms do the same with hx-disabled-elt.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var method = (form.getAttribute("method") || "get").toLowerCase();
    if (event.defaultPrevented || method !== "post" || form.hasAttribute("hx-post")) {
      return;
    }
    if (form.hasAttribute("data-submitting")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "");
    // Not before the form data is taken: a disabled button would leave out its value.
    window.setTimeout(function () {
      form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-submit-disabled", "");
        }
      });
    }, 0);
  });

  // Back on a page from the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.querySelectorAll("[data-submit-disabled]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("data-submit-disabled");
      });
    });
  });
})();
