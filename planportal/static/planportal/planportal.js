// Move focus to the element marked data-autofocus (an error summary, a confirmation), so
// keyboard and screen-reader users land on what the form answered: on a page loaded after
// a submit, and after htmx swaps in a form answer. An outerHTML swap replaces the target,
// so the new element is looked up by its id.
function focusAnswer(root) {
  var focus = root && root.querySelector("[data-autofocus]");
  if (focus) {
    focus.focus();
  }
}

document.addEventListener("DOMContentLoaded", function () {
  focusAnswer(document.getElementById("innhold") || document.body);
});

document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail.target;
  focusAnswer((target && target.id && document.getElementById(target.id)) || target);
});
