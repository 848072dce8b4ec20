// The copy button beside a read-only field (data-copy names the field). Without
// JavaScript, or where the browser offers no clipboard (plain http), the button stays
// hidden and the address is selected and copied by hand. The outcome is announced in
// the live region data-copy-status names.
(function () {
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!field || !status) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = button.dataset.copied;
      }, function () {
        field.focus();
        field.select();
        status.textContent = button.dataset.copyFailed;
      });
    });
  });
})();
