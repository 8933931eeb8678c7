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
