/* Offline-tolerant lead reports (急难线索): a report typed without network is kept in this browser
 * (localStorage) with its photos (shrunk by photo_shrink.js) and sent when the network returns; no app
 * store, no service worker.
 * Loaded with the page's CSP nonce; reads its messages from its own data- attributes. */
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.getElementById("lead-form");
  var status = document.getElementById("lead-queue-status");
  if (!form || !script) { return; }
  var KEY = form.getAttribute("data-queue-key") || "tempaid-leads";
  var SKIP = {csrf_token: true, photos: true, captcha_token: true, captcha_answer: true};

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { window.localStorage.setItem(KEY, JSON.stringify(queue)); }
  function say(text) {
    if (!status) { return; }
    status.textContent = text;
    status.hidden = !text;
  }
  function showWaiting() {
    var n = load().length;
    say(n ? script.getAttribute("data-waiting") + " " + n : "");
  }
  function fields() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file") { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      data[el.name] = el.value;
    });
    return data;
  }
  function restore(data) {
    Object.keys(data).forEach(function (name) {
      var els = form.querySelectorAll("[name='" + name + "']");
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio") { el.checked = el.value === data[name]; } else { el.value = data[name]; }
      });
    });
  }

  function keptPhotos() {
    // the photos as chosen (already shrunk by photo_shrink.js), as data: URLs localStorage can hold
    var input = form.elements.photos;
    var files = Array.prototype.slice.call((input && input.files) || []);
    return Promise.all(files.map(function (file) {
      return new Promise(function (resolve) {
        var reader = new FileReader();
        reader.onload = function () { resolve({name: file.name, data: reader.result}); };
        reader.onerror = function () { resolve(null); };
        reader.readAsDataURL(file);
      });
    })).then(function (photos) { return photos.filter(Boolean); });
  }
  function asBlob(dataUrl) {
    var parts = dataUrl.split(","), type = parts[0].replace(/^data:|;base64$/g, "");
    var bytes = atob(parts[1]), buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { buffer[i] = bytes.charCodeAt(i); }
    return new Blob([buffer], {type: type});
  }

  form.addEventListener("submit", function (event) {
    if (navigator.onLine) { return; }  // online: the ordinary post, with its photos
    event.preventDefault();
    var data = fields();
    keptPhotos().then(function (photos) {
      var queue = load();
      queue.push({fields: data, photos: photos, kept: new Date().toISOString()});
      try { save(queue); } catch (e) {  // the phone's storage is full: keep the report without its photos
        queue[queue.length - 1].photos = [];
        save(queue);
      }
      form.reset();
      say(script.getAttribute("data-offline") + " (" + queue.length + ")");
    });
  });

  var sending = false;
  function flush() {
    var queue = load();
    if (sending || !queue.length || !navigator.onLine) { showWaiting(); return; }
    sending = true;
    var item = queue[0];
    var body = new FormData();
    Object.keys(item.fields).forEach(function (name) { body.append(name, item.fields[name]); });
    (item.photos || []).forEach(function (photo) { body.append("photos", asBlob(photo.data), photo.name); });
    body.append("csrf_token", form.elements.csrf_token.value);
    fetch(form.action || window.location.href, {method: "POST", body: body, credentials: "same-origin",
                                                 headers: {"X-Lead-Queue": "1"}})
      .then(function (response) {
        if (response.status === 201 || response.status === 400) {
          var rest = load().slice(1);
          save(rest);
          if (response.status === 400) { restore(item.fields); }  // refused: back in the form to correct
          else { say(script.getAttribute("data-sent") + " 1"); }
          sending = false;
          if (rest.length) { flush(); }
          else if (response.status === 201 && script.getAttribute("data-done")) { window.location.href = script.getAttribute("data-done"); }
          return;
        }
        sending = false;  // a server or network problem: keep it, try again when online next
        showWaiting();
      })
      .catch(function () { sending = false; showWaiting(); });
  }
  window.addEventListener("online", flush);
  flush();
}());
