// Material's year selector is a button that shows the year but is named "バージョン切り替え"; give it a name
// that contains what it shows (WCAG 2.5.3 Label in Name). Material builds it after loading versions.json.
(function () {
  "use strict";

  function name() {
    var button = document.querySelector(".md-version__current");
    if (!button) return;
    var wanted = button.textContent.trim() + "（年度を切り替える）";
    if (button.getAttribute("aria-label") !== wanted) button.setAttribute("aria-label", wanted);
  }

  new MutationObserver(name).observe(document.body, { childList: true, subtree: true });
  name();
})();
