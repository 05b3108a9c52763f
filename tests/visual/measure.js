// Measures the drawn board (read by tests/visual/test_legible.py): vis-network's own
// positions, edge curves and scale, and the canvas text recorded by the fillText wrap
// that the test installs before the page's scripts run (window.__texts per frame).
(function () {
  "use strict";
  var board = JSON.parse(document.getElementById("kamgraph-board").textContent);
  var scale = network.getScale();
  var R = 24 * scale;
  var texts = window.__texts.slice();
  var ids = board.pieces.map(function (p) { return p.id; });
  var at = network.getPositions(ids);
  var pieces = board.pieces.map(function (p) {
    var c = network.canvasToDOM(at[p.id]);
    // The text drawn under the disc, centred on it: bold = the name, the rest = the title.
    // (as many lines as its label has; main's pieces drew a name and a title)
    var count = p.label ? p.label[0].length + p.label[1].length : (p.subcaption ? 2 : 1);
    var below = texts.filter(function (t) {
      return Math.abs(t.x - c.x) < 1.5 && t.y > c.y + R && t.y < c.y + R + 140 * scale;
    }).sort(function (a, b) { return a.y - b.y; }).slice(0, count);
    var name = below.filter(function (t) { return /bold/.test(t.font); });
    return {id: p.id, name: p.name, x: c.x, y: c.y, lines: below, nameLines: name,
            boxes: below.map(function (t) {
              return {x0: t.x - t.w / 2, x1: t.x + t.w / 2, y0: t.y - t.px / 2, y1: t.y + t.px / 2};
            })};
  });
  function inside(piece, x, y) {
    if (Math.hypot(x - piece.x, y - piece.y) < R - 1) return true;
    return piece.boxes.some(function (b) {
      return x > b.x0 + 1 && x < b.x1 - 1 && y > b.y0 + 1 && y < b.y1 - 1;
    });
  }
  // Each board line is one vis edge, or a chain of them through via points ("line").
  var chains = {};
  Object.keys(network.body.edges).forEach(function (id) {
    var e = network.body.edges[id], data = edges.get(id);
    if (!data) return;
    var line = data.line || id;
    (chains[line] = chains[line] || []).push(e);
  });
  var through = [];
  board.lines.forEach(function (l) {
    var crossed = {};
    (chains[l.id] || []).forEach(function (e) {
      var a = network.canvasToDOM({x: e.from.x, y: e.from.y});
      var b = network.canvasToDOM({x: e.to.x, y: e.to.y});
      var steps = Math.max(8, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 2));
      for (var i = 0; i <= steps; i++) {
        var p = network.canvasToDOM(e.edgeType.getPoint(i / steps));
        pieces.forEach(function (q) {
          if (q.id !== l.from && q.id !== l.to && inside(q, p.x, p.y)) crossed[q.id] = true;
        });
      }
    });
    if (Object.keys(crossed).length) through.push([l.id, Object.keys(crossed)]);
  });
  function boxesOf(p) {
    return p.boxes.concat([{x0: p.x - R, x1: p.x + R, y0: p.y - R, y1: p.y + R}]);
  }
  function meets(a, b) { return a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1; }
  var overlaps = [], labelOverlaps = 0;
  for (var i = 0; i < pieces.length; i++) {
    for (var j = i + 1; j < pieces.length; j++) {
      var A = boxesOf(pieces[i]), B = boxesOf(pieces[j]);
      if (A.some(function (a) { return B.some(function (b) { return meets(a, b); }); }))
        overlaps.push([pieces[i].id, pieces[j].id]);
      if (pieces[i].boxes.some(function (a) { return pieces[j].boxes.some(function (b) { return meets(a, b); }); }))
        labelOverlaps++;
    }
  }
  var box = document.getElementById("mynetwork").getBoundingClientRect();
  // vis-network draws only what is in view: the rest is measured after a "fit".
  var shown = pieces.filter(function (p) {
    return p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height;
  });
  var named = shown.filter(function (p) { return p.nameLines.length; });
  return {
    scale: scale,
    pieces: pieces.length,
    lines: board.lines.length,
    through: through,
    overlaps: overlaps,
    labelOverlaps: labelOverlaps,
    minName: Math.min.apply(null, named.map(function (p) {
      return Math.min.apply(null, p.nameLines.map(function (t) { return t.px; }));
    })),
    notWhole: shown.filter(function (p) {
      return p.nameLines.map(function (t) { return t.text; }).join(" ") !== p.name;
    }).map(function (p) { return [p.name, p.nameLines.map(function (t) { return t.text; })]; }),
    ellipses: texts.filter(function (t) { return t.text.indexOf("\u2026") >= 0; }).length,
    inView: shown.length
  };
})()
