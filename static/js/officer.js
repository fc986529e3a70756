// Progressive enhancement only: every form works without this file.
// When an officer picks a refusal reason, the message to the citizen is prefilled from the
// reason's template, unless the officer has already written something of their own.
document.querySelectorAll("form[data-reject-templates]").forEach(function (form) {
  var templates = JSON.parse(form.getAttribute("data-reject-templates"));
  var reason = form.querySelector("select[name=reason]");
  var message = form.querySelector("textarea[name=message]");
  var lastTemplate = "";
  function fill() {
    if (message.value === "" || message.value === lastTemplate) {
      lastTemplate = templates[reason.value] || "";
      message.value = lastTemplate;
    }
  }
  reason.addEventListener("change", fill);
  fill();
});
