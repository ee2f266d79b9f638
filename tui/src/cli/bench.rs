//! `tabletop bench`: what a drill of a scenario or a generated estate costs to simulate.
