// Django admin: the autocomplete boxes (select2) are named by their field's label, as the <select> they replace.
(function () {
  "use strict";

  function nameAutocompleteBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector("label[for='" + select.id + "']");
      var box = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-selection");
      if (!label || !box) { return; }
      if (!label.id) { label.id = select.id + "-label"; }
      var shown = box.querySelector(".select2-selection__rendered");
      box.setAttribute("aria-labelledby", label.id + (shown && shown.id ? " " + shown.id : ""));
      if (shown) { shown.setAttribute("aria-labelledby", label.id); }
    });
  }

  // After django's autocomplete.js has made the boxes: its ready handler was registered before this one.
  if (window.django && window.django.jQuery) { window.django.jQuery(nameAutocompleteBoxes); }
})();
