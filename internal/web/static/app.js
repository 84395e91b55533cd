// Progressive enhancement only: every page works without this file.
// Ask before retiring or revoking (forms marked data-confirm).
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) {
    e.preventDefault();
  }
});

// An import in progress: reload its page until it is done.
(function () {
  var el = document.querySelector("[data-refresh]");
  if (el) {
    setTimeout(function () { window.location.reload(); }, parseInt(el.getAttribute("data-refresh"), 10) || 1000);
  }
})();

// Uploading a large file takes a while: say so on the button.
document.addEventListener("submit", function (e) {
  var busy = e.target.getAttribute && e.target.getAttribute("data-busy");
  if (busy && !e.defaultPrevented) {
    var note = document.createElement("p");
    note.className = "note busy";
    note.textContent = busy;
    e.target.appendChild(note);
  }
});

// A 校验 form proposes the next due date some years after the check date
// (data-years-after names the date field, data-years the years): it
// follows the check date until the supervisor types a due date of their own.
(function () {
  var fields = document.querySelectorAll("[data-years-after]");
  Array.prototype.forEach.call(fields, function (due) {
    var from = document.getElementById(due.getAttribute("data-years-after"));
    var years = parseInt(due.getAttribute("data-years"), 10);
    if (!from || !years) {
      return;
    }
    var proposed = due.value;
    from.addEventListener("change", function () {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(from.value);
      if (!m || due.value !== proposed) {
        return;
      }
      var y = parseInt(m[1], 10) + years;
      var last = new Date(Date.UTC(y, parseInt(m[2], 10), 0)).getUTCDate(); // 29 February → 28 in a common year
      var d = Math.min(parseInt(m[3], 10), last);
      proposed = due.value = y + "-" + m[2] + "-" + (d < 10 ? "0" : "") + d;
    });
  });
})();
