//! placeholder for the conformance suite
