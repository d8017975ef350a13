//! The shipped examples are real-looking sites: every one must check clean.

use crate::support::{codes, examples, relative};

#[test]
fn every_example_checks_clean() {
    let examples = examples();
    assert!(examples.len() >= 3, "at least three examples");
    for path in examples {
        let source = std::fs::read_to_string(&path).unwrap();
        assert_eq!(codes(&source), Vec::<&str>::new(), "{}", relative(&path));
        assert!(source.starts_with("#:schema "), "{} starts with a #:schema directive", relative(&path));
    }
}
