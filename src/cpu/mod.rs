//! CPU execution: the thread pool, and the strided loop drivers every CPU kernel is built on.

pub mod pool;
pub mod strided;
