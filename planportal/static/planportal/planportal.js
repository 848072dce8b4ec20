// After htmx swaps in a form answer, move focus to the element marked data-autofocus
// (the error summary or the confirmation), so keyboard and screen-reader users land on it.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  var focus = target && target.querySelector("[data-autofocus]");
  if (focus) {
    focus.focus();
  }
});
