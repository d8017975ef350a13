//! What a device script does with each object in each state it finds it in, decided from
//! the table `asenet diff` classes changes with (`plan::classes`), and the PowerShell that
//! does it.
//!
//! A script that converges an object reads what the device has and is in one of these
//! states: the object is absent, present and the same, or present and different in one of
//! the compared fields (the first that differs, in the order the object compares them, the
//! worst class first). For each state, and for each answer of the device to "does compute
//! run on it?" where it can tell, [`Decisions`] holds the [`Action`]: an object whose
//! removal or change `diff` classes as `redeploy` is never removed or replaced; the script
//! stops instead, before it changes anything at all, with a message naming the class and
//! the manual procedure. Tests read the decisions and parse the rendered script to hold
//! the two to each other (tests/it/redeploy_safety.rs).

use std::fmt::Write as _;

use crate::plan::Class;
use crate::plan::classes::Difference;

/// The state a script finds an object in on the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    Absent,
    Same,
    /// Present, and this compared field (by name) differs from the file.
    Differs(&'static str),
}

impl Found {
    /// The word the script keeps the state as (`$states[N]`).
    pub fn as_str(self) -> &'static str {
        match self {
            Found::Absent => "absent",
            Found::Same => "present",
            Found::Differs(field) => field,
        }
    }
}

/// What a script does with one object in one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing: it says the object is there (or, removing, already gone).
    Leave,
    Add,
    /// Remove it, then add it as the file says: no cmdlet changes these objects in place.
    Replace,
    Remove,
    /// Change nothing anywhere, and say why: `diff` classes this as `redeploy`.
    Stop,
}

/// Every decision of one object, for the apply script and the remove script: per state,
/// and per answer of the device to whether compute runs on the object (`false` only, for
/// an object the device says nothing of).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decisions {
    pub apply: Vec<(Found, bool, Action)>,
    pub remove: Vec<(Found, bool, Action)>,
}

impl Decisions {
    /// The decisions for an object compared by `fields` (as `(field, name)`), where `class`
    /// is `plan::classes`' answer given whether the device says Kubernetes uses the object.
    /// `device_tells_compute`: the device reports it, so both answers are decided; else only
    /// `false`.
    pub fn derive<F: Copy>(
        fields: &[(F, &'static str)],
        device_tells_compute: bool,
        class: impl Fn(bool, Difference<F>) -> Class,
    ) -> Decisions {
        let answers: &[bool] = if device_tells_compute { &[false, true] } else { &[false] };
        let act = |class: Class, change: Action| if class == Class::Redeploy { Action::Stop } else { change };
        let mut apply = Vec::new();
        let mut remove = Vec::new();
        for &device_compute in answers {
            // Absent, the device says nothing of it.
            apply.push((Found::Absent, device_compute, act(class(false, Difference::Added), Action::Add)));
            apply.push((Found::Same, device_compute, Action::Leave));
            remove.push((Found::Absent, device_compute, Action::Leave));
            let removal = act(class(device_compute, Difference::Removed), Action::Remove);
            remove.push((Found::Same, device_compute, removal));
            for &(field, name) in fields {
                let found = Found::Differs(name);
                let change = class(device_compute, Difference::Changed(field));
                apply.push((found, device_compute, act(change, Action::Replace)));
                remove.push((found, device_compute, removal));
            }
        }
        Decisions { apply, remove }
    }

    /// The action in `found`, with or without compute on the device's object.
    pub fn apply_action(&self, found: Found, device_compute: bool) -> Action {
        lookup(&self.apply, found, device_compute)
    }

    pub fn remove_action(&self, found: Found, device_compute: bool) -> Action {
        lookup(&self.remove, found, device_compute)
    }
}

fn lookup(table: &[(Found, bool, Action)], found: Found, device_compute: bool) -> Action {
    table
        .iter()
        .find(|(state, compute, _)| *state == found && *compute == device_compute)
        .or_else(|| table.iter().find(|(state, _, _)| *state == found))
        .map_or(Action::Leave, |(_, _, action)| *action)
}

/// One field a script compares: its name and the PowerShell condition, on `$found`, that is
/// true when the device's value differs from the file's.
#[derive(Clone, Debug)]
pub struct Compared {
    pub name: &'static str,
    pub differs: String,
}

/// One object a script converges, with everything the script says and runs for it.
#[derive(Clone, Debug)]
pub struct Item {
    /// What the output lines name: `virtual network vnet-k8s (VLAN 20) on vswitch-port3`.
    pub label: String,
    /// A PowerShell pipeline whose value is the device's object, or nothing.
    pub find: String,
    /// The fields compared, in order.
    pub compared: Vec<Compared>,
    /// The property of the found object that says whether Kubernetes uses it, when the
    /// device reports one (`EnabledForK8s`).
    pub compute_property: Option<&'static str>,
    /// Comment lines the script writes before the object: what it cannot set itself.
    pub notes: Vec<String>,
    pub add: Vec<String>,
    pub remove: Vec<String>,
    pub decisions: Decisions,
    /// What to do by hand when the apply script stops, as sentences.
    pub apply_procedure: String,
    /// What to do by hand when the remove script stops.
    pub remove_procedure: String,
}

/// Which script of an object's pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    Apply,
    Remove,
}

/// The body of a converging script (after its header comments): every object's state is
/// read first, then the script stops without changing anything if any object is in a state
/// whose action is [`Action::Stop`], and only then acts on each object.
/// `quote` writes a text as a PowerShell string, `comment` for the rest of a `#` line.
pub fn render(script: Script, items: &[Item], quote: fn(&str) -> String, comment: fn(&str) -> String) -> String {
    let mut out = String::from("\n$ErrorActionPreference = 'Stop'\n$states = @{}\n$computeOn = @{}\n$stops = @()\n");
    for (index, item) in items.iter().enumerate() {
        let n = index + 1;
        let _ = write!(out, "\n# {}\n", comment(&item.label));
        if script == Script::Apply {
            for note in &item.notes {
                let _ = writeln!(out, "# {}", comment(note));
            }
        }
        let _ = writeln!(out, "$found = @({})", item.find);
        let _ = write!(out, "if ($found.Count -eq 0) {{ $states[{n}] = 'absent' }}");
        for compared in &item.compared {
            let _ = write!(out, "\nelseif ({}) {{ $states[{n}] = {} }}", compared.differs, quote(compared.name));
        }
        let _ = writeln!(out, "\nelse {{ $states[{n}] = 'present' }}");
        let _ = match item.compute_property {
            Some(property) => writeln!(out, "$computeOn[{n}] = [bool]($found | Where-Object {{ $_.{property} }})"),
            None => writeln!(out, "$computeOn[{n}] = $false"),
        };
        write_stops(&mut out, script, item, n, quote);
    }
    out.push_str(
        "\nif ($stops.Count -gt 0) {\n    throw ((@('asenet: nothing was changed.') + $stops) -join [Environment]::NewLine)\n}\n",
    );
    for (index, item) in items.iter().enumerate() {
        write_actions(&mut out, script, item, index + 1, quote, comment);
    }
    out
}

/// Every state of `item`, in the order the script tells them apart.
fn states(item: &Item) -> Vec<Found> {
    let mut states = vec![Found::Absent];
    states.extend(item.compared.iter().map(|compared| Found::Differs(compared.name)));
    states.push(Found::Same);
    states
}

fn action(script: Script, item: &Item, found: Found, device_compute: bool) -> Action {
    match script {
        Script::Apply => item.decisions.apply_action(found, device_compute),
        Script::Remove => item.decisions.remove_action(found, device_compute),
    }
}

/// The stop conditions of `item`: the states that stop whatever the device says, then those
/// that stop only when compute runs on the device's object.
fn write_stops(out: &mut String, script: Script, item: &Item, n: usize, quote: fn(&str) -> String) {
    let stopping = |device_compute: bool| -> Vec<Found> {
        states(item).into_iter().filter(|&found| action(script, item, found, device_compute) == Action::Stop).collect()
    };
    let always = stopping(false);
    let with_compute: Vec<Found> = stopping(true).into_iter().filter(|found| !always.contains(found)).collect();
    let (verb, procedure) = match script {
        Script::Apply => ("adding or changing", &item.apply_procedure),
        Script::Remove => ("removing", &item.remove_procedure),
    };
    for (states, guard) in [(always, ""), (with_compute, "$computeOn[n] -and ")] {
        if states.is_empty() {
            continue;
        }
        let list: Vec<String> = states.iter().map(|found| quote(found.as_str())).collect();
        let message = format!(
            "{}: {verb} it is what `asenet diff` classes as redeploy, so this script does not. {procedure}",
            item.label
        );
        let _ = writeln!(
            out,
            "if ({}$states[{n}] -in @({})) {{ $stops += {} + ' (found: ' + $states[{n}] + ')' }}",
            guard.replace("[n]", &format!("[{n}]")),
            list.join(", "),
            quote(&message)
        );
    }
}

/// The `switch` that acts on `item` in each state the stops let through.
fn write_actions(
    out: &mut String,
    script: Script,
    item: &Item,
    n: usize,
    quote: fn(&str) -> String,
    comment: fn(&str) -> String,
) {
    let _ = write!(out, "\n# {}\nswitch ($states[{n}]) {{\n", comment(&item.label));
    for found in states(item) {
        // After the stops, the action is the one without compute on the device's object,
        // unless that one stops too (then the state never gets here).
        let action = [false, true]
            .into_iter()
            .map(|device_compute| action(script, item, found, device_compute))
            .find(|action| *action != Action::Stop);
        let Some(action) = action else { continue };
        let (commands, said): (Vec<&String>, String) = match action {
            Action::Leave if script == Script::Remove => (Vec::new(), format!("absent: {}", item.label)),
            Action::Leave => (Vec::new(), format!("present: {}", item.label)),
            Action::Add => (item.add.iter().collect(), format!("added: {}", item.label)),
            Action::Replace => (
                item.remove.iter().chain(&item.add).collect(),
                format!("replaced: {} (its {} differed)", item.label, found.as_str()),
            ),
            Action::Remove => (item.remove.iter().collect(), format!("removed: {}", item.label)),
            Action::Stop => unreachable!("filtered above"),
        };
        let _ = writeln!(out, "    {} {{", quote(found.as_str()));
        for command in commands {
            let _ = writeln!(out, "        {command}");
        }
        let _ = write!(out, "        Write-Output {}\n    }}\n", quote(&said));
    }
    out.push_str("}\n");
}
