/* Photos shrunk in the browser before upload (急难线索): a phone photo of 3-5 MB is redrawn on a canvas,
 * at most data-max-side pixels on its longer side, as a JPEG whose quality steps down until it fits
 * data-max-bytes. The chosen files of the form's photo field are replaced by the shrunk ones, so the
 * ordinary post and the offline queue (lead_queue.js) both carry the shrunk photo. The server still
 * checks size and type. Loaded with the page's CSP nonce; images go through data: URLs (img-src). */
(function () {
  "use strict";
  var script = document.currentScript;
  var input = document.getElementById("photos");
  if (!script || !input || !window.HTMLCanvasElement || !window.DataTransfer) { return; }
  var MAX_BYTES = parseInt(script.getAttribute("data-max-bytes"), 10) || 450 * 1024;
  var MAX_SIDE = parseInt(script.getAttribute("data-max-side"), 10) || 1600;
  var status = document.getElementById("photos-status");
  var button = document.getElementById("send-lead");

  function say(text) { if (status) { status.textContent = text; status.hidden = !text; } }

  function readAsDataUrl(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }
  function loadImage(url) {
    return new Promise(function (resolve, reject) {
      var image = new Image();
      image.onload = function () { resolve(image); };
      image.onerror = reject;
      image.src = url;
    });
  }
  function encode(canvas, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }

  function shrink(file) {
    if (file.size <= MAX_BYTES && file.type === "image/jpeg") { return Promise.resolve(file); }
    return readAsDataUrl(file).then(loadImage).then(function (image) {
      var scale = Math.min(1, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
      var side = {w: Math.max(1, Math.round(image.naturalWidth * scale)),
                  h: Math.max(1, Math.round(image.naturalHeight * scale))};
      function attempt(quality, shrinkBy) {
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(side.w * shrinkBy);
        canvas.height = Math.round(side.h * shrinkBy);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        return encode(canvas, quality).then(function (blob) {
          if (blob && blob.size <= MAX_BYTES) { return blob; }
          if (quality > 0.5) { return attempt(quality - 0.1, shrinkBy); }
          if (shrinkBy > 0.2) { return attempt(0.8, shrinkBy * 0.75); }
          return blob;  // the server names it too large
        });
      }
      return attempt(0.85, 1);
    }).then(function (blob) {
      if (!blob) { return file; }  // the browser could not encode it: the original goes, the server judges
      var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
      return new File([blob], name, {type: "image/jpeg"});
    }, function () { return file; });  // not an image the browser reads: the server says so
  }

  var choice = 0;  // a newer choice of photos wins over a shrink still running for an older one

  input.addEventListener("change", function () {
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length || input.getAttribute("data-shrunk") === "replacing") { return; }
    var mine = ++choice;
    input.setAttribute("data-shrunk", "working");
    if (button) { button.disabled = true; }
    say(script.getAttribute("data-working"));
    Promise.all(files.map(shrink)).then(function (shrunk) {
      if (mine !== choice) { return; }
      var chosen = new DataTransfer();
      shrunk.forEach(function (f) { chosen.items.add(f); });
      input.setAttribute("data-shrunk", "replacing");
      input.files = chosen.files;
      input.setAttribute("data-shrunk", "done");
      say(script.getAttribute("data-done") + " " + shrunk.map(function (f) {
        return Math.round(f.size / 1024) + " KB";
      }).join(", "));
      if (button) { button.disabled = false; }
    }).catch(function () {  // whatever went wrong, the photos as chosen can still be sent
      if (mine !== choice) { return; }
      input.setAttribute("data-shrunk", "done");
      say("");
      if (button) { button.disabled = false; }
    });
  });
}());
