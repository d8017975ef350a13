//! Questions asked of resolved networks, without IO: who owns an address ([`owners`]),
//! which prefixes are free ([`free_prefixes`]). The command line (`asenet which` and
//! `asenet free`, over one device or each device of a fleet) and an editor's hover
//! (`ide/hover.rs`) answer from here; the fleet rules do not use it.

mod owners;

pub use owners::{Owner, OwnerKind, owners, owners_quoted};

mod free;

pub use free::{PRIVATE_BLOCKS, free_prefixes};
