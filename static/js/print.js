// The report page's "print" button: the browser's own print dialog, which the print stylesheet
// turns into an A4 document.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
