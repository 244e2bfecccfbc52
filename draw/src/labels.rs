//! Labels of the figures and their table views: short names for states, locks and spans. The
//! narration and every explanation stay in `daxlab_core::words`.

use daxlab_core::Tid;
use daxlab_core::timeline::{LaneState, Lock};
use daxlab_core::world::RwSem;

/// Thread names by id, for labels.
pub type Names<'a> = &'a [&'a str];

fn name<'a>(names: Names<'a>, t: Tid) -> &'a str {
    names.get(t.0 as usize).copied().unwrap_or("?")
}

/// A lane state in a few words, for the table view and titles.
pub fn state(s: LaneState, names: Names) -> String {
    match s {
        LaneState::Ran => "runs this step".into(),
        LaneState::Ready => "runnable".into(),
        LaneState::Spinning { ino, owner } => format!(
            "spinning on inode #{ino}'s i_pages lock, held by {}",
            name(names, owner)
        ),
        LaneState::Asleep {
            bucket: Some(b),
            exclusive,
        } => format!(
            "asleep in bucket {b}{}",
            if exclusive { ", exclusive" } else { "" }
        ),
        LaneState::Asleep { bucket: None, .. } => "asleep, off every wait queue".into(),
        LaneState::MmaplockWait { ino, holders } => format!(
            "asleep in down_*() for inode #{ino}'s MMAPLOCK, held by {}",
            mask(holders, names)
        ),
        LaneState::Waiting => "waiting (reference, pins or readers)".into(),
        LaneState::Idle => "idle".into(),
        LaneState::Finished(r) => format!("finished: {}", r.word()),
        LaneState::Faulted => "caused the violation".into(),
        LaneState::Halted => "stopped by the violation".into(),
    }
}

/// The label drawn inside a lane state when there is room: a symbol first, so it reads
/// without colour.
pub fn state_short(s: LaneState) -> String {
    match s {
        LaneState::Ran => String::new(),
        LaneState::Ready => String::new(),
        LaneState::Spinning { ino, .. } => format!("⟳ spin #{ino}"),
        LaneState::Asleep {
            bucket: Some(b),
            exclusive,
        } => format!("zZ b{b}{}", if exclusive { " excl" } else { "" }),
        LaneState::Asleep { bucket: None, .. } => "zZ".into(),
        LaneState::MmaplockWait { ino, .. } => format!("zZ MMAPLOCK #{ino}"),
        LaneState::Waiting => "… wait".into(),
        LaneState::Idle => String::new(),
        LaneState::Finished(r) => format!("✓ {}", r.word()),
        LaneState::Faulted => "✖".into(),
        LaneState::Halted => "❚❚".into(),
    }
}

/// A lock in words.
pub fn lock(l: Lock) -> String {
    match l {
        Lock::XaLock { ino, .. } => format!("inode #{ino}'s i_pages lock (xa_lock)"),
        Lock::Mmaplock { ino, write, .. } => format!(
            "inode #{ino}'s MMAPLOCK ({})",
            if write { "exclusive" } else { "shared" }
        ),
        Lock::Entry { ino, index, .. } => format!("entry lock (inode #{ino}, index {index})"),
    }
}

/// A lock's short label on its bar.
pub fn lock_short(l: Lock) -> String {
    match l {
        Lock::XaLock { ino, .. } => format!("xa_lock #{ino}"),
        Lock::Mmaplock { ino, write, .. } => {
            format!("MMAPLOCK #{ino} {}", if write { "excl" } else { "shared" })
        }
        Lock::Entry { ino, index, .. } => format!("entry #{ino}:{index}"),
    }
}

/// Names of the threads in a mask, joined, or `none`.
pub fn mask(m: u16, names: Names) -> String {
    let v: Vec<&str> = (0..names.len())
        .filter(|i| m & (1 << i) != 0)
        .map(|i| names[i])
        .collect();
    if v.is_empty() {
        "nobody".into()
    } else {
        v.join(", ")
    }
}

/// A span of steps: "steps 6–17", "step 6", "steps 38–end".
pub fn steps(start: usize, end: Option<usize>) -> String {
    match end {
        Some(e) if e == start => format!("step {start}"),
        Some(e) => format!("steps {start}–{e}"),
        None => format!("steps {start}–end"),
    }
}

/// Who holds an MMAPLOCK, comma-separated (the writer, or the readers); empty when free.
pub fn mmaplock_holders(l: &RwSem, names: Names) -> String {
    match l.writer {
        Some(t) => name(names, t).to_string(),
        None => (0..names.len())
            .filter(|i| l.readers & (1 << i) != 0)
            .map(|i| names[i])
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// An MMAPLOCK in words: "MMAPLOCK: shared by fault; ▸ trunc(excl)" — the holders, then the
/// sleepers in `down_*()` in order.
pub fn mmaplock(l: &RwSem, names: Names) -> String {
    let holders = mmaplock_holders(l, names);
    let mut s = match (l.writer, holders.is_empty()) {
        (Some(_), _) => format!("MMAPLOCK: excl by {holders}"),
        (None, false) => format!("MMAPLOCK: shared by {holders}"),
        (None, true) => "MMAPLOCK: free".to_string(),
    };
    if !l.queue.is_empty() {
        let q: Vec<String> = l
            .queue
            .iter()
            .map(|(t, w)| format!("{}({})", name(names, *t), if *w { "excl" } else { "sh" }))
            .collect();
        s.push_str(&format!("; ▸ {}", q.join(" ")));
    }
    s
}
