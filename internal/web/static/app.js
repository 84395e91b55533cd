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
