// The voucher import's progress bar: while the form's POST runs, ask the server how far the
// import is (checking, then posting) twice a second. The page is replaced when the POST answers.
(function () {
  "use strict";
  const form = document.querySelector("form[data-import-progress]");
  if (!form) return;
  const box = form.querySelector(".import-progress");
  const label = box.querySelector("label");
  const bar = box.querySelector("progress");
  const count = box.querySelector(".import-count");
  form.addEventListener("submit", function () {
    box.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    const poll = function () {
      fetch(form.dataset.importProgress, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (state) {
          if (!state.stage) return;
          label.textContent = label.dataset["stage" + state.stage[0].toUpperCase() + state.stage.slice(1)] || state.stage;
          bar.max = state.total || 1;
          bar.value = state.done;
          count.textContent = state.done.toLocaleString("fi-FI") + " / " + state.total.toLocaleString("fi-FI");
        })
        .catch(function () {});
    };
    window.setInterval(poll, 500);
  });
})();
