//! Where every write goes: the connection ([`db`]) and the one write
//! function ([`write`]) that mutations, imports and the demo call. The
//! engine and the change feed sit between the two: they use the
//! connection, and the write function uses them.

pub mod db;
pub mod write;

pub use write::{Outcome, write, write_once};
