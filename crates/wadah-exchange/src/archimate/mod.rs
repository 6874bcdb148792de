//! The ArchiMate Model Exchange File Format (ArchiMate 3.x exchange schema).

pub mod convert;
pub mod read;
pub mod vocab;
pub mod write;

/// The exchange format's namespace.
pub const NAMESPACE: &str = "http://www.opengroup.org/xsd/archimate/3.0/";
