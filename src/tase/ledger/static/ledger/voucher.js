/* Voucher entry: running difference, Enter adds a line, "post and new". No inline script (CSP). */
(function () {
  "use strict";
  function parse(value) {
    var text = (value || "").replace(/\s/g, "").replace(",", ".");
    var number = parseFloat(text);
    return isNaN(number) ? 0 : Math.round(number * 100);
  }
  function show(cents) {
    var sign = cents < 0 ? "-" : "";
    cents = Math.abs(cents);
    var euros = Math.floor(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    return sign + euros + "," + String(cents % 100).padStart(2, "0");
  }
  function init(form) {
    var body = form.querySelector("[data-lines]");
    var count = form.querySelector("[data-line-count]");
    function update() {
      var debit = 0, credit = 0;
      form.querySelectorAll("[data-debit]").forEach(function (el) { debit += parse(el.value); });
      form.querySelectorAll("[data-credit]").forEach(function (el) { credit += parse(el.value); });
      form.querySelector("[data-total-debit]").textContent = show(debit);
      form.querySelector("[data-total-credit]").textContent = show(credit);
      var diff = form.querySelector("[data-difference]");
      diff.textContent = show(debit - credit);
      diff.classList.toggle("error", debit !== credit);
    }
    function addLine() {
      var rows = body.querySelectorAll("[data-line]");
      var last = rows[rows.length - 1];
      var index = rows.length;
      var clone = last.cloneNode(true);
      clone.querySelectorAll("input, select, label").forEach(function (el) {
        ["id", "name", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(/_\d+$/, "_" + index)); }
        });
        if (el.tagName === "INPUT") { if (el.type === "checkbox") { el.checked = false; } else { el.value = ""; } }
        if (el.tagName === "SELECT") { el.selectedIndex = 0; }
      });
      body.appendChild(clone);
      count.value = index + 1;
      if (window.htmx) { window.htmx.process(clone); }
      return clone;
    }
    form.addEventListener("input", update);
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName !== "INPUT" || event.target.type === "file") { return; }
      var row = event.target.closest("[data-line]");
      if (!row) { return; }
      var rows = body.querySelectorAll("[data-line]");
      if (row === rows[rows.length - 1]) {
        event.preventDefault();
        addLine().querySelector("[data-account]").focus();
      }
    });
    form.addEventListener("focusin", function (event) {
      /* Moving from debit to an empty credit of a balancing line: suggest the difference. */
      var el = event.target;
      if (!el.matches("[data-credit], [data-debit]") || el.value) { return; }
      var row = el.closest("[data-line]");
      var other = row.querySelector(el.matches("[data-credit]") ? "[data-debit]" : "[data-credit]");
      if (other.value || !row.querySelector("[data-account]").value) { return; }
      var debit = 0, credit = 0;
      form.querySelectorAll("[data-debit]").forEach(function (x) { debit += parse(x.value); });
      form.querySelectorAll("[data-credit]").forEach(function (x) { credit += parse(x.value); });
      var diff = debit - credit;
      if (el.matches("[data-credit]") && diff > 0) { el.value = show(diff).replace(/\u00a0/g, ""); update(); el.select(); }
      if (el.matches("[data-debit]") && diff < 0) { el.value = show(-diff).replace(/\u00a0/g, ""); update(); el.select(); }
    });
    var nextNew = form.querySelector("[data-next-new]");
    if (nextNew) {
      nextNew.addEventListener("click", function () { form.querySelector("[data-next]").value = "new"; });
    }
    update();
  }
  document.querySelectorAll("[data-voucher-form]").forEach(init);
})();
