/* Risk grading form: show the LEC or the direct-level fields for the chosen method, and preview D = L × E × C. */
(function () {
  "use strict";
  document.querySelectorAll("[data-grading]").forEach(function (box) {
    var method = box.querySelector("select[name=method]");
    var lec = box.querySelector("[data-grading-lec]");
    var direct = box.querySelector("[data-grading-direct]");
    var preview = box.querySelector("[data-grading-preview]");
    var factors = ["likelihood", "exposure", "consequence"].map(function (name) {
      return box.querySelector("select[name=" + name + "]");
    });
    function update() {
      var isLec = method.value === "lec";
      lec.hidden = !isLec;
      direct.hidden = isLec;
      var values = factors.map(function (select) { return parseFloat(select.value); });
      var complete = values.every(function (value) { return !isNaN(value); });
      preview.textContent = isLec && complete ? "D = " + Number((values[0] * values[1] * values[2]).toFixed(3)) : "";
    }
    box.addEventListener("change", update);
    update();
  });
})();
