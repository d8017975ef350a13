//! Writes a generated device file to stdout: `generate ROUTES [--conflicts] [--seed N]`;
//! with `--netplan`, the same routes as a netplan file instead. The same seed gives the
//! same bytes on any machine.

use asenet::testing::generator::{self, Shape};

fn main() {
    let mut args = std::env::args().skip(1);
    let routes: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage());
    let (mut conflicts, mut netplan, mut seed) = (false, false, None);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--conflicts" => conflicts = true,
            "--netplan" => netplan = true,
            "--seed" => seed = Some(args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage())),
            _ => usage(),
        }
    }
    let mut shape = if conflicts { Shape::with_conflicts(routes) } else { Shape::valid(routes) };
    shape.seed = seed.unwrap_or(shape.seed);
    if netplan {
        print!("{}", generator::netplan_file(shape));
    } else {
        print!("{}", generator::device_file(shape));
    }
}

fn usage() -> ! {
    eprintln!("usage: generate ROUTES [--conflicts] [--netplan] [--seed N]");
    std::process::exit(2);
}
