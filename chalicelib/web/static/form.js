/* Progressive enhancement only: the form works without this file. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var areas = document.querySelectorAll("textarea[data-maxlength]");
  Array.prototype.forEach.call(areas, function (area) {
    var limit = parseInt(area.getAttribute("data-maxlength"), 10);
    var counter = document.getElementById(area.id.replace(/-input$/, "") + "-count");
    if (!counter || !limit) { return; }
    var update = function () {
      var left = limit - area.value.replace(/\r\n/g, "\n").trim().length;
      var template = left >= 0 ? area.getAttribute("data-remaining") : area.getAttribute("data-too-many");
      counter.textContent = template.replace("{count}", String(Math.abs(left)));
      counter.classList.toggle("over", left < 0);
    };
    area.addEventListener("input", update);
    update();
  });
  // Switching language after answering: post the answers back to be shown in the new
  // language (the server stores nothing), instead of following the link and losing them.
  var form = document.getElementById("survey");
  if (!form) { return; }
  // The page really loaded in a browser: mark the invitation "opened" (once, server-side).
  // Link scanners that only GET or HEAD the URL never run this, so they never count.
  if (window.fetch) {
    var beacon = window.location.pathname.replace("/s/", "/api/v1/invitations/") + "/opened";
    window.fetch(beacon, {method: "POST", headers: {"Content-Type": "text/plain"}, body: "",
                          credentials: "omit", referrerPolicy: "no-referrer"}).catch(function () {});
  }
  // Enter in a radio, checkbox or one-line field never sends the form (the whole survey).
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.tagName === "INPUT" && target.type !== "submit") {
      event.preventDefault();
    }
  });
  // An error message goes away as soon as its question is answered.
  form.addEventListener("change", function (event) {
    var question = event.target.closest ? event.target.closest(".question.has-error") : null;
    if (!question) { return; }
    question.classList.remove("has-error");
    var message = document.getElementById(question.id + "-error");
    if (message) { message.parentNode.removeChild(message); }
  });
  // Survey logic, live: the same rules as the server (chalicelib/domain/logic.py).
  var known = {};
  try { known = JSON.parse(form.getAttribute("data-known") || "{}"); } catch (e) { known = {}; }
  var partner = known.partner || {};
  var answerOf = function (ref) {
    var parts = ref.split("."), qid = parts[0], row = parts[1];
    var wrap = document.getElementById("wrap-" + qid);
    if (!wrap) {  // on another page: the server knows it
      var stored = (known.answers || {})[qid];
      return row ? (stored && typeof stored === "object" ? stored[row] : undefined) : stored;
    }
    if (wrap.hidden) { return undefined; }
    var name = row ? qid + "." + row : qid;
    var inputs = form.querySelectorAll("[name='" + name + "']");
    var values = [];
    Array.prototype.forEach.call(inputs, function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      if (input.value.trim() !== "") { values.push(input.value); }
    });
    if (inputs.length && inputs[0].type === "checkbox") { return values; }
    if (!values.length) { return undefined; }
    return /^-?\d+$/.test(values[0]) ? parseInt(values[0], 10) : values[0];
  };
  var blank = function (v) { return v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length); };
  var holds = function (c) {
    if (!c) { return true; }
    if (c.all) { return c.all.every(holds); }
    if (c.any) { return c.any.some(holds); }
    if (c.not) { return !holds(c.not); }
    if (c.partner) {
      var have = partner[c.partner];
      if (Array.isArray(have)) {
        var wanted = c["in"] || [c.includes];
        return have.some(function (x) { return wanted.indexOf(x) >= 0; });
      }
      return c["in"] ? c["in"].indexOf(have) >= 0 : have === c.equals;
    }
    var value = answerOf(c.question);
    if ("answered" in c) { return !blank(value) === c.answered; }
    if (blank(value)) { return false; }
    if ("equals" in c) { return value === c.equals; }
    if ("in" in c) { return c["in"].indexOf(value) >= 0; }
    if ("includes" in c) { return Array.isArray(value) && value.indexOf(c.includes) >= 0; }
    if (typeof value !== "number") { return false; }
    return (!("min" in c) || value >= c.min) && (!("max" in c) || value <= c.max);
  };
  var wraps = document.querySelectorAll(".q-wrap");
  var shownField = document.getElementById("shown-questions");
  var applyLogic = function () {
    var shownIds = [];
    Array.prototype.forEach.call(wraps, function (wrap) {
      var section = wrap.closest("section");
      var own = wrap.getAttribute("data-show-if");
      var sectionRule = section ? section.getAttribute("data-show-if") : null;
      var show = holds(own ? JSON.parse(own) : null) && holds(sectionRule ? JSON.parse(sectionRule) : null);
      wrap.hidden = !show;
      if (show) { shownIds.push(wrap.id.replace(/^wrap-/, "")); }
      // A hidden question's inputs are disabled, so the form never sends an answer to it.
      Array.prototype.forEach.call(wrap.querySelectorAll("input, textarea"), function (input) {
        input.disabled = !show;
      });
    });
    if (shownField) { shownField.value = shownIds.join(" "); }
  };
  if (wraps.length) {
    form.addEventListener("change", applyLogic);
    form.addEventListener("input", applyLogic);
    applyLogic();
  }
  var changed = false;
  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("change", function () { changed = true; });
  var links = document.querySelectorAll(".languages a[hreflang]");
  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      if (!changed) { return; }
      event.preventDefault();
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "_switch";
      field.value = link.getAttribute("hreflang");
      form.appendChild(field);
      form.submit();
    });
  });
}());
