//! Every zone file through BIND's `named-checkzone` in its strict mode: accepted, and its
//! dump holds exactly the records of `model/dns.rs`.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::process::Command;

use super::{artifact, inputs, network, run};
use crate::support::{build_file, relative, require, scratch_dir};

fn named_checkzone() -> Result<(), String> {
    run(Command::new("named-checkzone").arg("-v")).map(|_| ())
}

#[test]
#[ignore = "consumer: needs named-checkzone (apt-get install bind9-utils)"]
fn every_zone_passes_named_checkzone_and_holds_exactly_the_model_records() {
    require("named-checkzone", "apt-get install bind9-utils", named_checkzone());
    let mut checked = 0;
    for path in inputs() {
        let files = build_file(&path);
        let network = network(&path);
        let dir = scratch_dir(&format!("zones-{}", path.file_stem().unwrap().to_string_lossy()));
        for zone in asenet::model::dns::zones(&network) {
            let name = format!("dns/{}.zone", zone.origin);
            let file = dir.join(format!("{}.zone", zone.origin));
            std::fs::write(&file, artifact(&files, &name)).unwrap();
            let strict = ["-k", "fail", "-n", "fail", "-i", "full", "-m", "fail", "-M", "fail", "-S", "fail"];
            let verdict = run(Command::new("named-checkzone").args(strict).arg(&zone.origin).arg(&file))
                .unwrap_or_else(|error| panic!("{} {name}: {error}", relative(&path)));
            assert!(verdict.ends_with("OK\n"), "{name}: {verdict}");
            let dump =
                run(Command::new("named-checkzone").args(["-D", "-o", "-"]).arg(&zone.origin).arg(&file)).unwrap();
            let served: BTreeSet<(String, Ipv4Addr)> = dump
                .lines()
                .filter_map(|line| {
                    let fields: Vec<&str> = line.split_whitespace().collect();
                    (fields.len() == 5 && fields[3] == "A").then(|| (fields[0].to_owned(), fields[4].parse().unwrap()))
                })
                .collect();
            let expected: BTreeSet<(String, Ipv4Addr)> = zone
                .records
                .iter()
                .filter_map(|record| Some((format!("{}.{}.", record.name, zone.origin), record.address?)))
                .collect();
            assert_eq!(served, expected, "{} {name}", relative(&path));
            assert!(dump.contains(&format!("{}.", zone.origin)), "{dump}");
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked} zones checked");
}
