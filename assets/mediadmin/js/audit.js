/* Storage audit page: "select all" boxes and confirmations, configured by data-* attributes.
   <input type="checkbox" data-mediadmin-select-all="GROUP"> toggles every
   <input data-mediadmin-group="GROUP">; <form data-mediadmin-confirm="Question?"> asks first. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var group = event.target.getAttribute && event.target.getAttribute("data-mediadmin-select-all");
    if (!group) return;
    document.querySelectorAll('input[data-mediadmin-group="' + group + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-mediadmin-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
