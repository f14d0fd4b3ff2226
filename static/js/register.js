// Registration: the cluster list shows only the clusters of the chosen county (checked again on the server).
(function () {
  "use strict";
  var county = document.getElementById("id_county");
  var cluster = document.getElementById("id_cluster");
  if (!county || !cluster) { return; }
  var options = Array.prototype.slice.call(cluster.options);
  var placeholder = options.find(function (o) { return !o.value; });
  var clusters = options.filter(function (o) { return o.value; });

  function filter() {
    var chosen = cluster.value;
    var matching = clusters.filter(function (o) { return o.getAttribute("data-county") === county.value; });
    cluster.replaceChildren();
    if (placeholder) {
      placeholder.textContent = county.value ? (matching.length ? "请选择" : "该县（市、区）没有本批次的省级产业集群") : "请先选择所在县（市、区）";
      cluster.appendChild(placeholder);
    }
    matching.forEach(function (o) { cluster.appendChild(o); });
    if (matching.some(function (o) { return o.value === chosen; })) {
      cluster.value = chosen;
    } else if (matching.length === 1) {
      cluster.value = matching[0].value;
    } else {
      cluster.value = "";
    }
    cluster.disabled = !county.value;
  }

  county.addEventListener("change", filter);
  filter();
})();
