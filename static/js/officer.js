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

// Accent-insensitive text for the filters: "so tai nguyen" finds "Sở Tài nguyên".
function plain(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
    .replace(/Đ/g, "D").toLowerCase();
}

// Buttons that only the no-JavaScript path needs (suggest a unit, insert a template).
document.querySelectorAll("[data-nojs]").forEach(function (button) {
  button.hidden = true;
});

// The routing suggestion follows the field and procedure as they are chosen; the lead unit
// follows it until the officer picks one themselves.
document.querySelectorAll("form[data-routing]").forEach(function (form) {
  var routing = JSON.parse(form.getAttribute("data-routing"));
  var names = JSON.parse(form.getAttribute("data-unit-names"));
  var field = form.querySelector("select[name=field_id]");
  var procedure = form.querySelector("select[name=procedure_id]");
  var lead = form.querySelector("select[name=lead_unit_id]");
  var out = document.getElementById("routing-suggestion");
  var picked = false;
  var text = out.getAttribute("data-none") || "";
  lead.addEventListener("change", function () { picked = true; });
  function follow() {
    var byProcedure = routing.procedure[procedure.value];
    var unit = byProcedure || routing.field[field.value];
    var strong = document.createElement("strong");
    out.textContent = "";
    if (unit) {
      out.append(out.getAttribute("data-label") + ": ");
      strong.textContent = names[String(unit)] || "";
      out.append(strong, " (" + out.getAttribute(byProcedure ? "data-by-procedure" : "data-by-field") + ")");
      if (!picked) { lead.value = String(unit); }
    } else {
      out.append(text);
      if (!picked) { lead.value = ""; }
    }
  }
  field.addEventListener("change", follow);
  procedure.addEventListener("change", follow);
});

// A text filter above each list of checkboxes (the list itself works without it).
document.querySelectorAll("[data-filterable]").forEach(function (box) {
  var list = box.querySelector(".checklist-items");
  var input = document.createElement("input");
  input.type = "search";
  input.className = "checklist-filter";
  input.placeholder = box.getAttribute("data-filter-placeholder") || "";
  input.setAttribute("aria-label", box.getAttribute("data-filter-label") || input.placeholder);
  list.parentNode.insertBefore(input, list);
  input.addEventListener("input", function () {
    var wanted = plain(input.value.trim());
    list.querySelectorAll("li").forEach(function (item) {
      var checked = item.querySelector("input").checked;
      item.hidden = wanted !== "" && !checked && plain(item.textContent).indexOf(wanted) === -1;
    });
  });
});

// Response templates: choosing one inserts its text into the answer, to be edited there.
document.querySelectorAll("select[data-templates]").forEach(function (select) {
  var templates = JSON.parse(select.getAttribute("data-templates"));
  var form = select.form;
  select.addEventListener("change", function () {
    var chosen = templates[select.value];
    if (!chosen) { return; }
    Object.keys(chosen).forEach(function (name) {
      var area = form.querySelector("textarea[name=" + name + "]");
      if (area && chosen[name]) {
        area.value = area.value.trim() === "" ? chosen[name] : area.value + "\n\n" + chosen[name];
      }
    });
    select.value = "";
  });
});

// The action bar's links open the folded form they point to.
document.querySelectorAll(".action-bar a[href^='#act-']").forEach(function (link) {
  link.addEventListener("click", function () {
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target && target.tagName === "DETAILS") { target.open = true; }
  });
});
