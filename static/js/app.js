/* Output tracker: small comforts on top of pages that work without JavaScript. */
(function () {
  "use strict";

  // Update form: the narrative shows itself as required while the chosen status needs one.
  function narrativeFollowsStatus(form) {
    var needing = (form.getAttribute("data-narrative-required") || "").split(" ");
    var narrative = form.querySelector("textarea[name=narrative]");
    var label = narrative && form.querySelector("label[for='" + narrative.id + "']");
    if (!label) { return; }
    var mark = document.createElement("span");
    mark.className = "required";
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = " *";
    function update() {
      var chosen = form.querySelector("input[name=status]:checked");
      var required = !!chosen && needing.indexOf(chosen.value) !== -1;
      narrative.setAttribute("aria-required", required ? "true" : "false");
      if (required && !mark.parentNode) { label.appendChild(mark); }
      if (!required && mark.parentNode) { label.removeChild(mark); }
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "status") { update(); }
    });
    update();
  }

  // Review queue: opening "Return…" puts the cursor in the reason box.
  function focusReasonOnOpen(box) {
    box.addEventListener("toggle", function () {
      var reason = box.querySelector("textarea");
      if (box.open && reason) { reason.focus(); }
    });
  }

  // Filters folded on a phone (details[data-open-wide]) stand open on a wider screen.
  function openOnWideScreens(box) {
    if (window.matchMedia("(min-width: 600px)").matches) { box.open = true; }
  }

  // The header's programme switcher closes as a menu does: Escape (back to its summary) or a click elsewhere.
  function closesLikeAMenu(box) {
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && box.open) { box.open = false; box.querySelector("summary").focus(); }
    });
    document.addEventListener("click", function (event) {
      if (box.open && !box.contains(event.target)) { box.open = false; }
    });
  }

  document.querySelectorAll("form[data-narrative-required]").forEach(narrativeFollowsStatus);
  document.querySelectorAll("details.programme-switch").forEach(closesLikeAMenu);
  document.querySelectorAll("details[data-open-wide]").forEach(openOnWideScreens);
  document.querySelectorAll("details.return-box").forEach(focusReasonOnOpen);
})();
