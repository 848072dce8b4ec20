// After htmx swaps in a form answer, move focus to the element marked data-autofocus
// (the error summary or the confirmation), so keyboard and screen-reader users land on it.
// An outerHTML swap replaces the target, so the new element is looked up by its id.
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail.target;
  var swapped = (target && target.id && document.getElementById(target.id)) || target;
  var focus = swapped && swapped.querySelector("[data-autofocus]");
  if (focus) {
    focus.focus();
  }
});
