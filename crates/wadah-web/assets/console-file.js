// Wadah console: "load from a file" for text fields that accept a document (an OpenAPI
// document). Without scripts the field is pasted into; with them, a chosen file's text is put
// into the field, which the form then sends as usual (CSRF-checked, size-limited).
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-isi]").forEach(function (input) {
    var target = document.getElementById(input.getAttribute("data-isi"));
    if (!target || !input.parentElement) { return; }
    input.parentElement.hidden = false;
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) { return; }
      file.text().then(function (text) { target.value = text; });
    });
  });
})();
