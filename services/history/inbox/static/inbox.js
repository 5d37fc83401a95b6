// Keyboard use of the inbox, and inserting a saved reply. Everything also works without it.
(function () {
  "use strict";

  function typing(event) {
    var tag = (event.target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable;
  }

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll(".queue .item"));
  }

  function move(step) {
    var list = items();
    if (!list.length) return;
    var at = list.findIndex(function (el) { return el.classList.contains("current"); });
    var next = Math.min(list.length - 1, Math.max(0, at + step));
    if (at >= 0) list[at].classList.remove("current");
    list[next].classList.add("current");
    var link = list[next].querySelector("a.open");
    if (link) link.focus();
  }

  function click(id) {
    var el = document.getElementById(id);
    if (el) { el.click(); return true; }
    return false;
  }

  function follow(id) {
    var el = document.getElementById(id);
    if (el && el.href) window.location.href = el.href;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "n": follow("next-mention"); break;
      case "p": follow("previous-mention"); break;
      case "c": if (!click("claim")) return; break;
      case "r": var box = document.getElementById("reply-text"); if (!box) return; box.focus(); break;
      case "/": var q = document.getElementById("q") || document.getElementById("f-topic"); if (!q) { window.location.href = "/search"; } else { q.focus(); } break;
      case "?": var help = document.getElementById("shortcuts"); if (help) { help.setAttribute("tabindex", "-1"); help.focus(); } break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.id !== "saved-reply" || !select.value) return;
    var box = document.getElementById(select.getAttribute("data-target"));
    if (!box) return;
    box.value = box.value ? box.value + "\n" + select.value : select.value;
    box.focus();
    select.value = "";
  });

  // After htmx swaps the queue in, keep the highlighted row where it was.
  document.addEventListener("htmx:afterSwap", function () {
    var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest(".item");
    if (focused) focused.classList.add("current");
  });
})();
