//! Generated estates of any size, for benchmarks and scale tests.
