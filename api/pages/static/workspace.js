// The workspace: draws the board from its JSON data island with the offline board's own
// drawing code (/ui/board.js), loads a stakeholder's panel on a click, and redraws from
// fresh data whenever a panel form saved something (the "board-changed" event).
// "Show one of ours" dims everyone that member neither owns nor knows, across redraws;
// "Find a person" focuses someone by name and "Fit" shows the whole board.
(function () {
  "use strict";
  var box = document.getElementById("board");
  if (!box) return;
  var canvas = document.getElementById("network");
  var chooser = document.getElementById("focus");
  var search = document.getElementById("find-person");
  var state = {redraws: 0, selected: null};
  window.kamgraphWorkspace = state;  // for tests: the network, its nodes, the board's data

  function facts(data) {
    document.querySelector("[data-fact=health]").textContent = String(data.health_score);
    document.querySelector("[data-fact=hanging]").textContent = String(data.hanging);
    document.querySelector("[data-fact=threaded]").textContent =
      data.single_threaded ? "single-threaded" : "multi-threaded";
  }

  function build(data) {
    if (state.network) state.network.destroy();
    var nodes = new vis.DataSet(data.nodes), edges = new vis.DataSet(data.edges);
    var network = new vis.Network(canvas, {nodes: nodes, edges: edges}, data.options);
    state.focus = kamgraphBoard.draw(data.board, network, nodes, edges);
    var sides = {};
    data.board.pieces.forEach(function (p) { sides[p.id] = p.side; });
    network.on("click", function (params) {
      var id = params.nodes[0];
      if (id === undefined || sides[id] !== "customer") return;
      state.selected = id;
      htmx.ajax("GET", box.getAttribute("data-panel-url") + encodeURIComponent(id),
                {target: "#panel", swap: "innerHTML"});
    });
    if (state.selected !== null && sides[state.selected]) network.selectNodes([state.selected]);
    state.network = network;
    state.nodes = nodes;
    state.board = data.board;
    kamgraphBoard.settle(data.board, network, function () {
      kamgraphBoard.fit(data.board, network, canvas);
    });
    people(data.board);
    choices(data.board);
    facts(data);
    state.redraws += 1;
    box.setAttribute("data-board-ready", String(state.redraws));
  }

  // The menu lists our people of the board drawn (a redraw may bring a new one); the
  // member shown stays shown while they are on it.
  function choices(board) {
    var wanted = chooser.value;
    var ours = board.pieces.filter(function (p) { return p.side === "ours"; });
    chooser.replaceChildren(chooser.options[0]);
    ours.forEach(function (p) {
      var option = document.createElement("option");
      option.value = p.id;
      option.textContent = p.name;
      chooser.appendChild(option);
    });
    chooser.value = ours.some(function (p) { return p.id === wanted; }) ? wanted : "";
    show();
  }

  // The search's suggestions: everyone on the board drawn.
  function people(board) {
    var list = document.getElementById("people");
    list.replaceChildren();
    board.pieces.forEach(function (p) {
      var option = document.createElement("option");
      option.value = p.name;
      list.appendChild(option);
    });
  }

  function find() {
    var hit = kamgraphBoard.find(state.board, state.network, search.value);
    document.body.setAttribute("data-found", hit ? hit.id : "");
  }
  search.addEventListener("change", find);
  search.addEventListener("keydown", function (e) { if (e.key === "Enter") find(); });
  document.getElementById("fit").addEventListener("click", function () {
    kamgraphBoard.fit(state.board, state.network, canvas, true);
  });

  function show() {
    document.body.setAttribute("data-focus-shown", String(state.focus(chooser.value)));
  }
  chooser.addEventListener("change", show);

  build(JSON.parse(document.getElementById("board-data").textContent));

  document.body.addEventListener("board-changed", function () {
    fetch(box.getAttribute("data-board-url"), {headers: {Accept: "application/json"}})
      .then(function (answer) {
        if (!answer.ok) throw new Error("board " + answer.status);
        return answer.json();
      })
      .then(build);
  });
  window.addEventListener("resize", function () {
    kamgraphBoard.fit(state.board, state.network, canvas);
  });
})();
