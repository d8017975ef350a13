//! Questions asked of resolved networks, without IO: who owns an address ([`owners`]),
//! which prefixes are free. The command line (`asenet which`, `asenet free`), the fleet
//! layer and an editor's hover all answer from here.

mod owners;

pub use owners::{Owner, OwnerKind, owners};

mod free;

pub use free::{PRIVATE_BLOCKS, free_prefixes};
