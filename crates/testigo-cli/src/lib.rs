//! The parts of the `testigo` command that tests and the binary share. The ingest path itself
//! lives in `testigo-ingest`, shared with the web application; it is re-exported here.

pub use testigo_ingest::{actor, prepare, prepare_as, prepare_bytes, Prepared, MAX_FILE_BYTES};
