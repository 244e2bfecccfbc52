//! Queries over a run's history (a [`Session`]): what the view draws as timelines, computed and
//! tested here rather than rebuilt in the web crate. Steps are counted from 1: step `k` is the
//! `k`-th event, and "at step 0" is the initial world.

use crate::facts::Fact;
use crate::ids::Tid;
use crate::session::Session;
use alloc::vec::Vec;

/// One grace period as the run saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GracePeriodSpan {
    /// Its number, from 1.
    pub number: u8,
    /// The step that started it.
    pub start: usize,
    /// The step that ended it, if it has ended.
    pub end: Option<usize>,
    /// Bit per thread that was inside a read-side section when it started: the readers it
    /// had to wait for.
    pub waited_for: u16,
    /// The callbacks run after it: the step and the inode each freed.
    pub freed: Vec<(usize, u8)>,
}

/// One RCU read-side critical section of one thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadSection {
    /// The thread.
    pub tid: Tid,
    /// The step that entered it (the outermost `rcu_read_lock()`).
    pub start: usize,
    /// The step that left it, or `None` while it is open.
    pub end: Option<usize>,
}

/// RCU over a run, up to the session's cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RcuHistory {
    /// Every grace period started, in order.
    pub grace_periods: Vec<GracePeriodSpan>,
    /// Every read-side section, by thread, then in time.
    pub sections: Vec<ReadSection>,
}

impl RcuHistory {
    /// The sections of one thread.
    pub fn sections_of(&self, tid: Tid) -> impl Iterator<Item = &ReadSection> {
        self.sections.iter().filter(move |s| s.tid == tid)
    }
    /// The threads inside a read-side section at the cursor, as a mask.
    pub fn readers_now(&self) -> u16 {
        self.sections
            .iter()
            .filter(|s| s.end.is_none())
            .fold(0, |m, s| m | 1 << s.tid.0)
    }
}

/// The grace periods and read-side sections of `s` up to its cursor.
pub fn rcu(s: &Session) -> RcuHistory {
    let mut h = RcuHistory::default();
    for (i, e) in s.events().iter().enumerate() {
        let step = i + 1;
        for f in &e.facts {
            match *f {
                Fact::GpStart { number, waiting } => h.grace_periods.push(GracePeriodSpan {
                    number,
                    start: step,
                    end: None,
                    waited_for: waiting,
                    freed: Vec::new(),
                }),
                Fact::GpEnd { number } => {
                    if let Some(g) = h.grace_periods.iter_mut().find(|g| g.number == number) {
                        g.end = Some(step);
                    }
                }
                Fact::Freed { ino, gp } => {
                    if let Some(g) = h.grace_periods.iter_mut().find(|g| g.number == gp) {
                        g.freed.push((step, ino));
                    }
                }
                _ => {}
            }
        }
    }
    for t in 0..s.model().threads().len() {
        let tid = Tid(t as u8);
        let mut open: Option<usize> = None;
        for step in 0..=s.cursor() {
            let inside = s.world_at(step).thread(tid).rcu_nesting > 0;
            match (inside, open) {
                (true, None) => open = Some(step),
                (false, Some(start)) => {
                    h.sections.push(ReadSection {
                        tid,
                        start,
                        end: Some(step),
                    });
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(start) = open {
            h.sections.push(ReadSection {
                tid,
                start,
                end: None,
            });
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, Variant, scenario};

    fn session(name: &str, variant: Variant, schedule: &str) -> Session {
        let m = scenario(name).unwrap().model(Options::new(variant));
        let mut s = Session::new(m);
        s.run_text(schedule).unwrap();
        s
    }

    #[test]
    fn the_grace_period_that_frees_the_inode_waits_for_no_reader_when_mf_sleeps_outside_rcu() {
        let s = session(
            "freed-inode",
            Variant::V419,
            "fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4",
        );
        let h = rcu(&s);
        assert_eq!(h.grace_periods.len(), 1);
        let gp = &h.grace_periods[0];
        assert_eq!(gp.waited_for, 0, "mf was not a reader");
        assert!(gp.end.is_some());
        assert_eq!(gp.freed.len(), 1);
        let mf = s.model().tid("mf").unwrap();
        // mf entered at its second step and left inside entry_wait_revalidate().
        let sections: Vec<_> = h.sections_of(mf).collect();
        assert!(!sections.is_empty());
        assert!(
            sections
                .iter()
                .all(|sec| sec.end.is_none_or(|e| e < gp.start) || sec.start > gp.start)
        );
    }

    #[test]
    fn under_fixed_the_grace_period_waits_for_mf_and_the_free_comes_after_it_leaves() {
        let s = session(
            "freed-inode",
            Variant::Fixed,
            "fault*5,mf*14,fault*6,evict*10,rcu*3,mf*7",
        );
        let h = rcu(&s);
        let mf = s.model().tid("mf").unwrap();
        for gp in &h.grace_periods {
            if gp.waited_for & (1 << mf.0) != 0 {
                let left = h
                    .sections_of(mf)
                    .find(|sec| sec.start <= gp.start && sec.end.is_none_or(|e| e > gp.start))
                    .and_then(|sec| sec.end);
                assert!(gp.end.is_none() || gp.end > left);
            }
        }
        assert_eq!(h.readers_now() & !(1 << mf.0), 0);
    }
}
