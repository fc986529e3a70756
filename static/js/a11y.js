// Progressive enhancement only. A form sent back with errors: its summary takes the focus, so
// that a screen reader reads it first and the keyboard starts from it (autofocus does the same
// where the browser honours it on a non-control). A link of the summary moves the focus to the
// field it names, not just the view.
(function () {
  var summary = document.getElementById("form-errors");
  if (!summary) { return; }
  if (document.activeElement !== summary) { summary.focus(); }
  summary.querySelectorAll("a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) { event.preventDefault(); field.focus(); field.scrollIntoView({block: "center"}); }
    });
  });
})();
