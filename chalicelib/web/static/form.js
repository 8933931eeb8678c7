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
  var announcer = document.getElementById("live-announcer");
  var announced = false, revealedNow = [];
  var applyLogic = function () {
    var shownIds = [];
    revealedNow = [];
    Array.prototype.forEach.call(wraps, function (wrap) {
      var section = wrap.closest("section");
      var own = wrap.getAttribute("data-show-if");
      var sectionRule = section ? section.getAttribute("data-show-if") : null;
      var show = holds(own ? JSON.parse(own) : null) && holds(sectionRule ? JSON.parse(sectionRule) : null);
      if (show && wrap.hidden && announced) {  // a question appeared: say so to screen readers
        var title = wrap.querySelector("legend, .question-label");
        revealedNow.push(title ? title.textContent.trim() : "");
      }
      wrap.hidden = !show;
      if (show) { shownIds.push(wrap.id.replace(/^wrap-/, "")); }
      // A hidden question's inputs are disabled, so the form never sends an answer to it.
      Array.prototype.forEach.call(wrap.querySelectorAll("input, textarea"), function (input) {
        input.disabled = !show;
      });
    });
    if (shownField) { shownField.value = shownIds.join(" "); }
    if (announcer && revealedNow.length) {
      var template = form.getAttribute("data-revealed-text") || "{question}";
      announcer.textContent = revealedNow.map(function (text) { return template.replace("{question}", text); }).join(" ");
    }
    announced = true;  // the first pass sets the page up; later ones announce
  };
  if (wraps.length) {
    form.addEventListener("change", applyLogic);
    form.addEventListener("input", applyLogic);
    applyLogic();
  }
  // The language buttons post the form (form="survey"): what was typed comes along, also
  // without JavaScript. Nothing else to do here.
  // Autosave: the page's answers are saved while the partner types (debounced) and when the page
  // is left, as "save and finish later" does. A submitted response changes only on "Update".
  // An autosave names the version it builds on (_base): a late one never undoes a newer save (409).
  var body = function (leaving) {
    var data = new window.FormData(form);
    data.set("_action", "autosave");
    if (leaving) { data.delete("_base"); }  // the newest words: applies even past one in flight
    return new window.URLSearchParams(data).toString();
  };
  var timer = null, dirty = false, base = document.getElementById("base-version");
  var inFlight = false;  // one at a time: the next builds on the version this one returns
  var save = function (leaving) {
    if (!dirty || form.getAttribute("data-submitted")) { return; }
    if (inFlight && !leaving) { return; }  // saved again when the one in flight comes back
    dirty = false;
    var text = body(leaving);
    if (leaving && navigator.sendBeacon) {
      navigator.sendBeacon(form.action, new window.Blob([text], {type: "application/x-www-form-urlencoded"}));
      return;
    }
    if (window.fetch) {
      inFlight = true;
      window.fetch(form.action, {method: "POST", body: text, credentials: "omit", referrerPolicy: "no-referrer",
                                 headers: {"Content-Type": "application/x-www-form-urlencoded"}})
        .then(function (response) {
          var version = response.headers.get("X-Pulse-Version");
          if (version && base) { base.value = version; }
        })
        .catch(function () { dirty = true; })
        .then(function () { inFlight = false; if (dirty) { later(); } });
    }
  };
  var later = function () {
    dirty = true;
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { save(false); }, 1200);
  };
  if (window.FormData && window.URLSearchParams) {
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function () { dirty = false; if (timer) { window.clearTimeout(timer); } });
    window.addEventListener("pagehide", function () { save(true); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(true); }
    });
  }
}());
