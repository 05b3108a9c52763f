// Installed before a board page's scripts: records every canvas fillText of a frame with
// its position and size on screen (window.__texts, reset when vis-network starts a frame).
(function () {
  "use strict";
  var fill = CanvasRenderingContext2D.prototype.fillText;
  window.__texts = [];
  var frame = [];
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y) {
    var m = this.getTransform(), ratio = window.devicePixelRatio || 1;
    var size = parseFloat((/(\d+(?:\.\d+)?)px/.exec(this.font) || [0, 0])[1]);
    var w = this.measureText(text).width;
    var sx = (m.a * x + m.c * y + m.e) / ratio, sy = (m.b * x + m.d * y + m.f) / ratio;
    var shift = this.textAlign === "center" ? 0 : this.textAlign === "right" ||
      this.textAlign === "end" ? -w / 2 : w / 2;
    frame.push({text: String(text), font: this.font, x: sx + shift * m.a / ratio, y: sy,
                px: size * m.a / ratio, w: w * m.a / ratio});
    return fill.apply(this, arguments);
  };
  window.__startFrame = function () { frame = []; };
  window.__frame = function () { window.__texts = frame; frame = []; };
})();
