//! End-to-end tests of the built `tabletop` binary: what a user types, what they see, and
//! the exit codes scripts rely on. One test binary of modules keeps link times down.

// A failed expectation in a test is a panic with a message.
#![allow(clippy::panic)]

mod balance;
mod check;
mod crash;
mod hostile;
mod report;
mod run;
mod serve;
mod support;
mod tui;
