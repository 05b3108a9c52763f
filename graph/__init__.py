"""kamgraph's domain: the model, the graph store on two engines, and the analyses."""
