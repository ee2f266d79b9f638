//! The adversary phase: the attacker's campaign stages advance.

/// The adversary phase (stages are simulated in "Adversary campaigns").
pub fn advance_stages() {}
