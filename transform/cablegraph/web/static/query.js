// The query page with JavaScript: YASGUI (vendored, served from /static) replaces the plain form.
// The textarea's text (a canned query, or ?query= from a shared link) becomes the editor's query.
(function () {
  "use strict";
  var source = document.getElementById("query-text");
  var form = document.getElementById("query-form");
  var mount = document.getElementById("yasgui");
  if (!window.Yasgui || !source || !mount) { return; }
  var endpoint = window.location.origin + "/sparql";
  var yasgui = new window.Yasgui(mount, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    showEndpointSelector: false
  });
  form.hidden = true;
  var tab = yasgui.getTab();
  tab.setQuery(source.value);
  function links(query) {
    var encoded = encodeURIComponent(query);
    document.getElementById("csv-link").href = "/sparql?format=csv&query=" + encoded;
    document.getElementById("json-link").href = "/sparql?format=json&query=" + encoded;
    document.getElementById("share-link").href = "/query?query=" + encoded;
  }
  var yasqe = tab.getYasqe();
  if (yasqe) {
    yasqe.on("change", function () { links(yasqe.getValue()); });
  }
  links(source.value);
})();
