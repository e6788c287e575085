//! Management (gestión, issue 18): indicator sheets with targets and traffic lights
//! (`indicators.rs`). Above the store and the help-desk report, whose figures the computed
//! indicators take.

pub mod indicators;
