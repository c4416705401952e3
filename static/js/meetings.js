// The booking form's cadence picker: show only the fields the chosen pattern uses.
(function () {
  "use strict";

  function update(form) {
    var checked = form.querySelector("input[name=pattern]:checked");
    var pattern = checked ? checked.value : "";
    form.querySelectorAll("[data-pattern-field]").forEach(function (el) {
      var uses = el.getAttribute("data-pattern-field").split(" ");
      el.hidden = uses.indexOf(pattern) === -1;
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "pattern" && event.target.form) {
      update(event.target.form);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-testid=series-form]").forEach(update);
  });
})();
