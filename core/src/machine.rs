//! The semantics of every listing line: what one step of a thread does to the world.
//!
//! Each arm of [`Cx::run`] is one step at one line. Control flow between steps follows the
//! listing: non-step lines (`break`, `continue`, calls) are folded into the step before them.
//! Which lines exist is decided by the listing's variant masks ([`Model::has`]), so the code the
//! student reads and the code that runs cannot drift apart.

use crate::ids::{Addr, Pfn, Tid};
use crate::listing::Line;
use crate::model::{Model, Narrate, Program, Status};
use crate::variant::WakeMode;
use crate::violation::{Violation, ViolationKind};
use crate::world::{Caller, Entry, Life, ThreadResult, WaitKey, Waiter, World, entry_flags};
use alloc::format;
use alloc::string::String;
use tinyvec::ArrayVec;

type R = Result<(), Violation>;

macro_rules! say {
    ($cx:expr, $($arg:tt)*) => {
        if N::ON {
            let s = format!($($arg)*);
            $cx.n.say(s);
        }
    };
}

/// Execute the step of `tid` at `line`. Returns the violation it causes, if any.
pub(crate) fn execute<N: Narrate>(
    m: &Model,
    w: &mut World,
    tid: Tid,
    line: Line,
    n: &mut N,
) -> Option<Violation> {
    let mut cx = Cx { m, w, tid, n, line };
    cx.run(line).err()
}

/// After a step: if no thread can run but some have not finished, the run is stuck. Names the
/// stuck thread: a spinner means a deadlock, a sleeper that nobody can wake a lost wake-up.
pub(crate) fn check_stuck(m: &Model, w: &World, runnable: u16) -> Option<Violation> {
    if runnable != 0 || m.finished(w) {
        return None;
    }
    let n = m.threads().len();
    let statuses = || (0..n as u8).map(Tid).map(|t| (t, m.status(w, t)));
    let ino = |a: Addr| w.inode(a).ino;
    if let Some((tid, Status::Spinning { addr, owner })) =
        statuses().find(|(_, s)| matches!(s, Status::Spinning { .. }))
    {
        let who = m.name(tid);
        return Some(Violation {
            kind: ViolationKind::Deadlock,
            tid,
            line: w.thread(tid).pc,
            object: format!("inode #{}'s i_pages lock", ino(addr)),
            message: format!(
                "{who} spins forever on inode #{}'s i_pages lock, held by {}, which can never release it.",
                ino(addr),
                m.name(owner)
            ),
            report: format!(
                "watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [{who}]\nRIP: 0010:native_queued_spin_lock_slowpath\nCall Trace:\n _raw_spin_lock_irq\n {}",
                w.thread(tid).pc.func().name()
            ),
        });
    }
    if let Some((
        tid,
        Status::Asleep {
            bucket,
            key,
            exclusive,
        },
    )) = statuses().find(|(_, s)| matches!(s, Status::Asleep { .. }))
    {
        let who = m.name(tid);
        let what = match (bucket, key) {
            (Some(b), Some(k)) => format!(
                "in bucket {b} waiting for (inode #{}, index {}){}",
                ino(k.mapping),
                k.entry_start,
                if exclusive {
                    " as an exclusive waiter"
                } else {
                    ""
                }
            ),
            _ => String::from("off every wait queue"),
        };
        return Some(Violation {
            kind: ViolationKind::LostWakeup,
            tid,
            line: w.thread(tid).pc,
            object: bucket.map_or(String::from("wait table"), |b| format!("bucket {b}")),
            message: format!("{who} is asleep {what}, and no task will ever wake it."),
            report: format!(
                "INFO: task {who} blocked for more than 120 seconds.\n\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n{who}  D    0  TASK_UNINTERRUPTIBLE\nCall Trace:\n __schedule\n schedule\n {}",
                w.thread(tid).pc.func().name()
            ),
        });
    }
    let (tid, status) = statuses().find(|(t, s)| {
        !matches!(s, Status::Done(_) | Status::Idle)
            && !m.threads()[t.0 as usize].program.is_daemon()
    })?;
    Some(Violation {
        kind: ViolationKind::Deadlock,
        tid,
        line: w.thread(tid).pc,
        object: String::from("the run"),
        message: format!(
            "{} can never continue: it is {}.",
            m.name(tid),
            match status {
                Status::WaitingForLastReference { .. } =>
                    "waiting for a reference nobody will drop",
                Status::WaitingForPins { .. } =>
                    "waiting for dev_pagemap references nobody will put",
                _ => "blocked",
            }
        ),
        report: format!(
            "INFO: task {} blocked for more than 120 seconds.",
            m.name(tid)
        ),
    })
}

struct Cx<'a, N> {
    m: &'a Model,
    w: &'a mut World,
    tid: Tid,
    n: &'a mut N,
    line: Line,
}

impl<'a, N: Narrate> Cx<'a, N> {
    fn me(&mut self) -> &mut crate::world::Thread {
        &mut self.w.threads[self.tid.0 as usize]
    }
    fn who(&self) -> &'a str {
        self.m.name(self.tid)
    }
    fn program(&self) -> &'a Program {
        &self.m.threads()[self.tid.0 as usize].program
    }
    fn goto(&mut self, line: Line) {
        self.me().pc = line;
    }
    fn ino(&self, a: Addr) -> u8 {
        self.w.inode(a).ino
    }
    fn mapping(&self) -> Option<Addr> {
        self.w.thread(self.tid).locals.mapping
    }
    /// The pfn of the page a memory-failure thread works on.
    fn my_pfn(&self) -> Pfn {
        match self.program() {
            Program::MemoryFailure { pfn } => *pfn,
            Program::Fault { pfn, .. } => *pfn,
            _ => Pfn(0),
        }
    }
    fn describe_ptr(&self, p: Option<Addr>) -> String {
        match p {
            None => String::from("NULL"),
            Some(a) => {
                let mem = self.w.inode(a);
                match mem.life {
                    Life::Freed { .. } => format!("freed memory that held inode #{}", mem.ino),
                    _ => format!("inode #{}'s mapping", mem.ino),
                }
            }
        }
    }

    fn violation(
        &self,
        kind: ViolationKind,
        object: String,
        message: String,
        report: String,
    ) -> Violation {
        Violation {
            kind,
            tid: self.tid,
            line: self.line,
            object,
            message,
            report,
        }
    }

    /// Dereference a mapping pointer: NULL and freed memory are violations.
    fn deref(&self, p: Option<Addr>, access: &str, kasan_fn: &str) -> Result<Addr, Violation> {
        let who = self.who();
        let func = self.line.func().name();
        match p {
            None => Err(self.violation(
                ViolationKind::NullDeref,
                String::from("page->mapping (NULL)"),
                format!("{who} dereferences a NULL mapping in {func}(): {access}."),
                format!(
                    "BUG: unable to handle kernel NULL pointer dereference at 0000000000000000\nRIP: 0010:{func}\nOops: 0000 [#1] SMP\nCall Trace:\n {func}\n memory_failure"
                ),
            )),
            Some(a) => match self.w.inode(a).life {
                Life::Freed { after_gp } => {
                    let ino = self.ino(a);
                    Err(self.violation(
                        ViolationKind::UseAfterFree,
                        format!("inode #{ino}"),
                        format!(
                            "{who}: {access} on inode #{ino}, freed by RCU callback after grace period {after_gp}."
                        ),
                        format!(
                            "BUG: KASAN: use-after-free in {kasan_fn}\nRead of size 8 at addr {a} by task {who}\nCall Trace:\n {kasan_fn}\n {func}\n memory_failure\nFreed by task rcu:\n kmem_cache_free\n i_callback\n rcu_do_batch"
                        ),
                    ))
                }
                _ => Ok(a),
            },
        }
    }

    fn xa_lock(&mut self, p: Option<Addr>) -> Result<Addr, Violation> {
        let a = self.deref(p, "xa_lock_irq(&mapping->i_pages)", "_raw_spin_lock_irq")?;
        let ino = self.ino(a);
        if self.w.inode(a).xa_lock == Some(self.tid) {
            let who = self.who();
            return Err(self.violation(
                ViolationKind::Deadlock,
                format!("inode #{ino}'s i_pages lock"),
                format!(
                    "{who} spins on the i_pages lock of inode #{ino}, which {who} itself holds: with IRQs off it will spin forever."
                ),
                format!(
                    "BUG: spinlock recursion on CPU#0, {who}\n lock: {a}, .magic: dead4ead, .owner: {who}, .owner_cpu: 0\nCall Trace:\n do_raw_spin_lock\n _raw_spin_lock_irq\n {}",
                    self.line.func().name()
                ),
            ));
        }
        self.w.inodes[a.0 as usize].xa_lock = Some(self.tid);
        if let Some(slot) = self.me().spinlocks.iter_mut().find(|s| s.is_none()) {
            *slot = Some(a);
        }
        say!(
            self,
            "{} takes inode #{ino}'s i_pages lock (interrupts off).",
            self.who()
        );
        Ok(a)
    }

    fn xa_unlock(&mut self, p: Option<Addr>) -> R {
        let a = self.deref(
            p,
            "xa_unlock_irq(&mapping->i_pages)",
            "_raw_spin_unlock_irq",
        )?;
        self.w.inodes[a.0 as usize].xa_lock = None;
        for s in self.me().spinlocks.iter_mut() {
            if *s == Some(a) {
                *s = None;
            }
        }
        say!(
            self,
            "{} drops inode #{}'s i_pages lock.",
            self.who(),
            self.ino(a)
        );
        Ok(())
    }

    fn rcu_read_lock(&mut self) {
        self.me().rcu_nesting += 1;
        say!(
            self,
            "{} enters an RCU read-side critical section: freed inodes must wait for it.",
            self.who()
        );
    }

    fn rcu_read_unlock(&mut self) {
        let t = self.me();
        t.rcu_nesting = t.rcu_nesting.saturating_sub(1);
        if t.rcu_nesting == 0 {
            let bit = 1u16 << self.tid.0;
            if let Some(gp) = self.w.rcu.current.as_mut() {
                gp.waiting_for &= !bit;
            }
        }
        say!(
            self,
            "{} leaves its RCU read-side section: pointers read inside it are no longer protected.",
            self.who()
        );
    }

    fn prepare_to_wait(&mut self, mapping: Addr, index: u16, entry: Entry, exclusive: bool) {
        let (bucket, key) = self.m.waitqueue(mapping, index, entry.is_pmd());
        let tid = self.tid;
        let t = self.me();
        t.running = false;
        t.locals.wait = Some((bucket, key));
        if self.w.queued(tid).is_none() {
            let waiter = Waiter {
                tid,
                bucket,
                key,
                exclusive,
            };
            let pos = if exclusive {
                self.w.waiters.len()
            } else {
                self.w
                    .waiters
                    .iter()
                    .position(|w| w.bucket == bucket)
                    .unwrap_or(self.w.waiters.len())
            };
            self.w.waiters.insert(pos, waiter);
        }
        say!(
            self,
            "{} queues itself {} in bucket {bucket} for (inode #{}, index {}) and marks itself TASK_UNINTERRUPTIBLE.",
            self.who(),
            if exclusive {
                "exclusively at the tail"
            } else {
                "non-exclusively at the head"
            },
            self.ino(mapping),
            key.entry_start
        );
    }

    /// `schedule()`: the first step goes to sleep (unless already woken), the second returns.
    fn schedule(&mut self, next: Line) -> R {
        let who = self.who();
        let t = *self.w.thread(self.tid);
        if t.sleeping {
            self.me().sleeping = false;
            self.goto(next);
            say!(self, "{who} has been woken and returns from schedule().");
            return Ok(());
        }
        if let Some(a) = t.spinlocks.iter().flatten().next() {
            let ino = self.ino(*a);
            return Err(self.violation(
                ViolationKind::SleepInAtomic,
                format!("inode #{ino}'s i_pages lock"),
                format!("{who} calls schedule() while holding inode #{ino}'s i_pages spinlock with interrupts off."),
                format!(
                    "BUG: scheduling while atomic: {who}/0x00000002\nCall Trace:\n __schedule_bug\n __schedule\n schedule\n {}",
                    self.line.func().name()
                ),
            ));
        }
        if t.rcu_nesting > 0 {
            return Err(self.violation(
                ViolationKind::SleepInAtomic,
                String::from("RCU read-side critical section"),
                format!(
                    "{who} calls schedule() inside an RCU read-side critical section: with classic RCU no grace period can end while it sleeps, so every deferred free stalls."
                ),
                format!(
                    "WARNING: suspicious RCU usage\nkernel/rcu/tree_plugin.h: Voluntary context switch within RCU read-side critical section!\nother info that might help us debug this:\n1 lock held by {who}:\n #0: (rcu_read_lock){{....}}, at: dax_lock_mapping_entry"
                ),
            ));
        }
        if t.running {
            self.goto(next);
            say!(
                self,
                "{who} calls schedule(), but it was already woken: it returns at once."
            );
        } else {
            self.me().sleeping = true;
            say!(
                self,
                "{who} calls schedule() and goes to sleep until someone wakes it."
            );
        }
        Ok(())
    }

    fn finish_wait(&mut self) {
        let tid = self.tid;
        let t = self.me();
        t.running = true;
        t.locals.wait = None;
        let was_queued = if let Some(pos) = self.w.waiters.iter().position(|w| w.tid == tid) {
            self.w.waiters.remove(pos);
            true
        } else {
            false
        };
        say!(
            self,
            "{} calls finish_wait(){}; the wait table is global and never freed, so this is safe.",
            self.who(),
            if was_queued {
                " and takes itself off the queue"
            } else {
                ""
            }
        );
    }

    /// `__wake_up(wq, TASK_NORMAL, nr_exclusive, &key)` with the keyed wake function.
    fn wake(&mut self, mapping: Addr, index: u16, entry: Entry, mode: WakeMode) {
        let (bucket, key) = self.m.waitqueue(mapping, index, entry.is_pmd());
        let mut woken: ArrayVec<[Tid; crate::world::MAX_THREADS]> = ArrayVec::new();
        let mut skipped: ArrayVec<[(Tid, WaitKey); crate::world::MAX_THREADS]> = ArrayVec::new();
        let mut i = 0;
        while i < self.w.waiters.len() {
            let wt = self.w.waiters[i];
            if wt.bucket != bucket {
                i += 1;
                continue;
            }
            if wt.key != key {
                skipped.push((wt.tid, wt.key));
                i += 1;
                continue;
            }
            self.w.waiters.remove(i);
            self.w.threads[wt.tid.0 as usize].running = true;
            woken.push(wt.tid);
            if wt.exclusive && mode == WakeMode::One {
                break;
            }
        }
        if N::ON {
            let who = self.who();
            let mut s = format!(
                "{who} wakes {} in bucket {bucket} for (inode #{}, index {}): ",
                if mode == WakeMode::One {
                    "one exclusive waiter"
                } else {
                    "all waiters"
                },
                self.ino(mapping),
                key.entry_start
            );
            if woken.is_empty() {
                s.push_str("nobody matching is queued");
            } else {
                let names: alloc::vec::Vec<&str> = woken.iter().map(|&t| self.m.name(t)).collect();
                s.push_str(&format!("it wakes {}", names.join(", ")));
            }
            for (t, k) in &skipped {
                s.push_str(&format!(
                    "; it passes over {} (its key (inode #{}, index {}) does not match: a hash collision)",
                    self.m.name(*t),
                    self.ino(k.mapping),
                    k.entry_start
                ));
            }
            s.push('.');
            self.n.say(s);
        }
    }

    fn finish(&mut self, result: ThreadResult) -> R {
        let tid = self.tid;
        let who = self.who();
        self.me().result = Some(result);
        if let Program::Fault { mapping, .. } = *self.program() {
            let users = &mut self.w.inodes[mapping.0 as usize].users;
            *users = users.saturating_sub(1);
        }
        say!(self, "{who} finishes: {}.", result.word());
        let t = *self.w.thread(tid);
        if let Some(a) = t.spinlocks.iter().flatten().next() {
            let ino = self.ino(*a);
            return Err(self.violation(
                ViolationKind::LockLeak,
                format!("inode #{ino}'s i_pages lock"),
                format!("{who} returns still holding inode #{ino}'s i_pages lock, with interrupts off."),
                format!("WARNING: lock held when returning to user space!\n{who} is leaving the kernel with locks still held!\n1 lock held by {who}:\n #0: (&mapping->i_pages){{....}}"),
            ));
        }
        if t.rcu_nesting > 0 {
            return Err(self.violation(
                ViolationKind::LockLeak,
                String::from("RCU read-side critical section"),
                format!("{who} returns still inside an RCU read-side section: grace periods can never end."),
                format!("WARNING: lock held when returning to user space!\n1 lock held by {who}:\n #0: (rcu_read_lock){{....}}"),
            ));
        }
        for mem in &self.w.inodes {
            if let Some(e) = mem
                .entries
                .iter()
                .find(|e| e.locker == Some(tid) && e.locked())
            {
                let ino = mem.ino;
                return Err(self.violation(
                    ViolationKind::LockLeak,
                    format!("entry (inode #{ino}, index {})", e.index),
                    format!("{who} returns still holding the entry lock of (inode #{ino}, index {}): every later fault and truncate of it will sleep forever.", e.index),
                    String::from("INFO: task blocked for more than 120 seconds (the entry lock is never released)."),
                ));
            }
        }
        Ok(())
    }

    /// Leave `dax_lock_mapping_entry()`'s loop (`break`).
    fn lock_break(&mut self) {
        if self.m.has(Line::DlRcuUnlock) {
            self.goto(Line::DlRcuUnlock);
        } else {
            self.lock_return();
        }
    }

    /// Return from `dax_lock_mapping_entry()` to `memory_failure_dev_pagemap()`.
    fn lock_return(&mut self) {
        let next = if self.w.thread(self.tid).locals.did_lock {
            Line::MfPoison
        } else {
            Line::MfPutPgmap
        };
        self.goto(next);
    }

    /// Return from the shared `get_unlocked_mapping_entry()` with `locals.entry`.
    fn gu_return(&mut self) {
        let l = self.w.thread(self.tid).locals;
        let next = match (l.gu_ret, l.entry) {
            (Caller::LockMapping, None) => Line::DlNoEntryUnlock,
            (Caller::LockMapping, Some(_)) => Line::DlLockSlot,
            (Caller::Grab, Some(_)) => Line::GrLockSlot,
            (Caller::Grab, None) => Line::GrInsert,
            (Caller::Invalidate, Some(_)) => Line::TrDisassociate,
            (Caller::Invalidate, None) => self.put_unlocked_line(),
            (Caller::DaxUnlock | Caller::PutLocked, _) => Line::DlNoEntryUnlock,
        };
        self.goto(next);
    }

    fn put_unlocked_line(&self) -> Line {
        if self.m.truncate_wake() == WakeMode::One {
            Line::PuWakeOne
        } else {
            Line::PuWakeAll
        }
    }

    fn call_unlock_mapping_entry(&mut self, ret: Caller) {
        self.me().locals.un_ret = ret;
        self.goto(Line::UnLock);
    }

    fn un_return(&mut self) -> R {
        match self.w.thread(self.tid).locals.un_ret {
            Caller::DaxUnlock => {
                self.goto(Line::MfPutPgmap);
                Ok(())
            }
            _ => self.finish(ThreadResult::Done),
        }
    }

    /// The next index of a truncate loop, or what follows the loop.
    fn truncate_next(&mut self) -> R {
        let indices: &[u16] = match self.program() {
            Program::Truncate { indices, .. }
            | Program::Evict { indices, .. }
            | Program::Recycle { indices, .. } => indices,
            _ => &[],
        };
        let i = self.w.thread(self.tid).locals.iter as usize;
        if let Some(&index) = indices.get(i) {
            let l = &mut self.me().locals;
            l.index = index;
            l.entry = None;
            self.goto(Line::TrLock);
            return Ok(());
        }
        match self.program() {
            Program::Truncate { .. } => self.finish(ThreadResult::Done),
            _ => {
                self.goto(Line::CiLock);
                Ok(())
            }
        }
    }

    fn run(&mut self, line: Line) -> R {
        let who = self.who();
        let pfn = self.my_pfn();
        match line {
            // ---- memory_failure() ----
            Line::MfGetPgmap => {
                if self.w.pgmap.killed {
                    say!(
                        self,
                        "{who}: get_dev_pagemap() fails, the device is going away; memory_failure() returns -ENXIO."
                    );
                    return self.finish(ThreadResult::NoDevice);
                }
                self.w.pgmap.pins += 1;
                self.me().locals.pinned = true;
                say!(
                    self,
                    "{who} takes a dev_pagemap reference for {pfn}: the struct page array cannot go away now."
                );
                let next = if self.m.has(Line::DlRcuLock) {
                    Line::DlRcuLock
                } else {
                    Line::DlRead
                };
                self.goto(next);
            }
            Line::MfPoison => {
                self.w.pages[pfn.0 as usize].hwpoison = true;
                say!(self, "{who} marks the page of {pfn} HWPoison.");
                self.goto(Line::MfCollect);
            }
            Line::MfCollect | Line::MfUnmap => {
                let p = self.w.page(pfn).mapping;
                let a = self.deref(p, "page->mapping->i_mmap", line.func().name())?;
                say!(
                    self,
                    "{who} {} through page->mapping (inode #{}): safe only because it holds the entry lock.",
                    if line == Line::MfCollect {
                        "finds the processes mapping the page"
                    } else {
                        "unmaps the page from them"
                    },
                    self.ino(a)
                );
                self.goto(if line == Line::MfCollect {
                    Line::MfUnmap
                } else {
                    Line::MfKill
                });
            }
            Line::MfKill => {
                say!(
                    self,
                    "{who} sends SIGBUS to the processes that mapped the page."
                );
                self.goto(Line::DuMapping);
            }
            Line::MfPutPgmap => {
                self.w.pgmap.pins = self.w.pgmap.pins.saturating_sub(1);
                self.me().locals.pinned = false;
                let did_lock = self.w.thread(self.tid).locals.did_lock;
                say!(self, "{who} puts its dev_pagemap reference.");
                return self.finish(if did_lock {
                    ThreadResult::Recovered
                } else {
                    ThreadResult::Failed
                });
            }

            // ---- dax_lock_mapping_entry() ----
            Line::DlRcuLock | Line::ErRcuLock | Line::DlWaitRcuLock => {
                self.rcu_read_lock();
                self.goto(match line {
                    Line::DlRcuLock => Line::DlRead,
                    Line::ErRcuLock => Line::GuFinish,
                    _ => Line::DlRead,
                });
            }
            Line::DlRead => {
                let p = self.w.page(pfn).mapping;
                self.me().locals.mapping = p;
                say!(
                    self,
                    "{who} reads page->mapping once: {}.",
                    self.describe_ptr(p)
                );
                let next = if self.m.has(Line::DlDaxMapping) {
                    Line::DlDaxMapping
                } else {
                    Line::DlDaxMappingNull
                };
                self.goto(next);
            }
            Line::DlDaxMapping | Line::DlDaxMappingNull => {
                let p = self.mapping();
                if p.is_none() && line == Line::DlDaxMappingNull {
                    say!(
                        self,
                        "{who} sees mapping == NULL: the page was truncated; it gives up."
                    );
                    self.lock_break();
                    return Ok(());
                }
                let a = self.deref(
                    p,
                    "dax_mapping(mapping) reads mapping->host",
                    "dax_lock_mapping_entry",
                )?;
                if !self.w.inode(a).dax {
                    say!(
                        self,
                        "{who}: inode #{} is not a DAX mapping; it gives up.",
                        self.ino(a)
                    );
                    self.lock_break();
                } else {
                    say!(
                        self,
                        "{who} checks dax_mapping(mapping): inode #{} is DAX.",
                        self.ino(a)
                    );
                    self.goto(Line::DlHost);
                }
            }
            Line::DlHost => {
                let a = self.deref(
                    self.mapping(),
                    "inode = mapping->host",
                    "dax_lock_mapping_entry",
                )?;
                say!(
                    self,
                    "{who} reads inode = mapping->host: inode #{}.",
                    self.ino(a)
                );
                self.goto(Line::DlIsChr);
            }
            Line::DlIsChr => {
                let a = self.deref(
                    self.mapping(),
                    "S_ISCHR(inode->i_mode)",
                    "dax_lock_mapping_entry",
                )?;
                if self.w.inode(a).kind == crate::world::InodeKind::CharDevice {
                    self.me().locals.did_lock = true;
                    say!(
                        self,
                        "{who}: inode #{} is a device-dax character device; the dev_pagemap reference already keeps it alive, so no entry lock is needed.",
                        self.ino(a)
                    );
                    self.lock_break();
                } else {
                    say!(
                        self,
                        "{who}: inode #{} is a regular file: it must lock the entry.",
                        self.ino(a)
                    );
                    self.goto(Line::DlXaLock);
                }
            }
            Line::DlXaLock => {
                self.xa_lock(self.mapping())?;
                let next = if self.m.has(Line::DlRecheck) {
                    Line::DlRecheck
                } else {
                    Line::DlIndex
                };
                self.goto(next);
            }
            Line::DlRecheck => {
                let now = self.w.page(pfn).mapping;
                let mine = self.mapping();
                if now != mine {
                    say!(
                        self,
                        "{who} re-checks under the lock: page->mapping is now {}, not the mapping it locked; it drops the lock and retries.",
                        self.describe_ptr(now)
                    );
                    self.goto(Line::DlRecheckUnlock);
                } else {
                    say!(
                        self,
                        "{who} re-checks under the lock: page->mapping still points at the locked mapping, and truncate cannot change it while the lock is held."
                    );
                    self.goto(Line::DlIndex);
                }
            }
            Line::DlRecheckUnlock | Line::DlEagainUnlock => {
                self.xa_unlock(self.mapping())?;
                self.goto(Line::DlRead);
            }
            Line::DlIndex => {
                let index = self.w.page(pfn).index;
                let l = &mut self.me().locals;
                l.index = index;
                l.gu_ret = Caller::LockMapping;
                say!(self, "{who} reads index = page->index: {index}.");
                let next = if self.m.variant().is_seed_shape() {
                    Line::GuLookup
                } else {
                    Line::DlLookup
                };
                self.goto(next);
            }
            Line::DlLookup | Line::GuLookup | Line::UnLookup => {
                let a = self.deref(
                    self.mapping(),
                    "__radix_tree_lookup(&mapping->i_pages)",
                    "__radix_tree_lookup",
                )?;
                let index = self.w.thread(self.tid).locals.index;
                let entry = self.w.inode(a).lookup(index).copied();
                self.me().locals.entry = entry;
                if N::ON {
                    let found = match entry {
                        None => String::from("no entry"),
                        Some(e) if e.is_empty() => format!(
                            "an empty placeholder entry{}",
                            if e.locked() { ", locked" } else { "" }
                        ),
                        Some(e) => format!(
                            "the entry for pfn {}{}",
                            e.pfn.0,
                            if e.locked() { ", locked" } else { ", unlocked" }
                        ),
                    };
                    say!(
                        self,
                        "{who} looks up index {index} in inode #{}'s i_pages: {found}.",
                        self.ino(a)
                    );
                }
                let locked = entry.is_some_and(|e| e.locked());
                match line {
                    Line::DlLookup => match entry {
                        None => self.goto(Line::DlNoEntryUnlock),
                        Some(_) if locked => {
                            let next = if self.m.has(Line::DlWaitRcuUnlock) {
                                Line::DlWaitRcuUnlock
                            } else if self.m.has(Line::WePrepare) {
                                Line::WePrepare
                            } else {
                                Line::WePrepareExclusive
                            };
                            self.goto(next);
                        }
                        Some(_) => self.goto(Line::DlLockSlot),
                    },
                    Line::GuLookup => {
                        if locked {
                            self.goto(Line::GuPrepare);
                        } else {
                            self.gu_return();
                        }
                    }
                    _ => self.goto(if locked {
                        Line::UnUnlockSlot
                    } else {
                        Line::UnWarnUnlock
                    }),
                }
            }
            Line::DlNoEntryUnlock => {
                self.xa_unlock(self.mapping())?;
                self.lock_break();
            }
            Line::DlWaitRcuUnlock | Line::ErRcuUnlock => {
                self.rcu_read_unlock();
                self.goto(match line {
                    Line::ErRcuUnlock => Line::ErSchedule,
                    _ if self.m.has(Line::WePrepare) => Line::WePrepare,
                    _ => Line::WePrepareExclusive,
                });
            }
            Line::WePrepare | Line::WePrepareExclusive | Line::GuPrepare => {
                let l = self.w.thread(self.tid).locals;
                let (Some(a), Some(e)) = (l.mapping, l.entry) else {
                    return Ok(());
                };
                self.prepare_to_wait(a, l.index, e, line != Line::WePrepare);
                self.goto(if line == Line::GuPrepare {
                    Line::GuUnlock
                } else {
                    Line::WeUnlock
                });
            }
            Line::WeUnlock => {
                self.xa_unlock(self.mapping())?;
                self.goto(Line::WeSchedule);
            }
            Line::WeSchedule => self.schedule(Line::WeFinish)?,
            Line::WeFinish => {
                self.finish_wait();
                say!(
                    self,
                    "{who} does not touch the mapping again: it restarts from page->mapping."
                );
                let next = if self.m.has(Line::DlWaitRcuLock) {
                    Line::DlWaitRcuLock
                } else {
                    Line::DlRead
                };
                self.goto(next);
            }
            Line::DlLockSlot => {
                let l = self.w.thread(self.tid).locals;
                let Some(a) = l.mapping else { return Ok(()) };
                let page = *self.w.page(pfn);
                let entry = self.w.inode(a).lookup(l.index).copied();
                if let Some(e) = entry
                    && (page.mapping != Some(a) || !e.maps(pfn))
                {
                    let ino = self.ino(a);
                    return Err(self.violation(
                            ViolationKind::WrongEntryLocked,
                            format!("entry (inode #{ino}, index {})", e.index),
                            format!(
                                "{who} locks the entry at (inode #{ino}, index {}), which maps {}, but its page {pfn} now belongs to {}: it will poison and unmap the wrong file's page and later unlock someone else's entry.",
                                e.index,
                                if e.is_empty() { String::from("nothing yet") } else { format!("pfn {}", e.pfn.0) },
                                match page.mapping { None => String::from("no file"), Some(b) => format!("inode #{} at index {}", self.ino(b), page.index) }
                            ),
                            String::from("No immediate splat: the kernel silently locks the wrong entry. Later, unlock_mapping_entry() of the real owner hits WARN_ON_ONCE(!slot_locked(mapping, slot)) in fs/dax.c."),
                        ));
                }
                if let Some(e) = self.w.inodes[a.0 as usize].lookup_mut(l.index) {
                    e.flags |= entry_flags::LOCKED;
                    e.locker = Some(self.tid);
                }
                self.me().locals.did_lock = true;
                say!(
                    self,
                    "{who} sets the lock bit of (inode #{}, index {}): the inode cannot be truncated or evicted until it is unlocked.",
                    self.ino(a),
                    l.index
                );
                self.goto(Line::DlUnlock);
            }
            Line::DlUnlock => {
                self.xa_unlock(self.mapping())?;
                self.lock_break();
            }
            Line::DlRcuUnlock => {
                self.rcu_read_unlock();
                self.lock_return();
            }

            // ---- get_unlocked_mapping_entry(), shared ----
            Line::GuUnlock => {
                self.xa_unlock(self.mapping())?;
                let caller = self.w.thread(self.tid).locals.gu_ret;
                let next = if !self.m.variant().is_seed_shape() {
                    Line::GuSchedule
                } else if caller == Caller::LockMapping {
                    Line::ErRcuUnlock
                } else {
                    Line::EwSchedule
                };
                self.goto(next);
            }
            Line::GuSchedule | Line::EwSchedule => self.schedule(Line::GuFinish)?,
            Line::ErSchedule => self.schedule(Line::ErRcuLock)?,
            Line::GuFinish => {
                self.finish_wait();
                self.goto(Line::GuLock);
            }
            Line::GuLock => {
                self.xa_lock(self.mapping())?;
                let caller = self.w.thread(self.tid).locals.gu_ret;
                if self.m.variant().is_seed_shape() && caller == Caller::LockMapping {
                    if self.m.has(Line::DlEagainUnlock) {
                        say!(
                            self,
                            "{who} gets -EAGAIN back and must revalidate page->mapping."
                        );
                        self.goto(Line::DlEagainUnlock);
                    } else {
                        say!(
                            self,
                            "{who} gets -EAGAIN back and continues the loop, still holding the i_pages lock."
                        );
                        self.goto(Line::DlRead);
                    }
                } else {
                    self.goto(Line::GuLookup);
                }
            }

            // ---- dax_unlock_mapping_entry(page) and unlock_mapping_entry() ----
            Line::DuMapping => {
                let p = self.w.page(pfn).mapping;
                self.me().locals.mapping = p;
                say!(self, "{who} reads page->mapping: {}.", self.describe_ptr(p));
                self.goto(Line::DuHost);
            }
            Line::DuHost => {
                let a = self.deref(
                    self.mapping(),
                    "inode = mapping->host",
                    "dax_unlock_mapping_entry",
                )?;
                say!(
                    self,
                    "{who} reads inode = mapping->host: inode #{}.",
                    self.ino(a)
                );
                self.goto(Line::DuIsChr);
            }
            Line::DuIsChr => {
                let a = self.deref(
                    self.mapping(),
                    "S_ISCHR(inode->i_mode)",
                    "dax_unlock_mapping_entry",
                )?;
                if self.w.inode(a).kind == crate::world::InodeKind::CharDevice {
                    say!(self, "{who}: a character device: nothing to unlock.");
                    self.goto(Line::MfPutPgmap);
                } else {
                    let index = self.w.page(pfn).index;
                    self.me().locals.index = index;
                    say!(self, "{who} unlocks the entry at page->index {index}.");
                    self.call_unlock_mapping_entry(Caller::DaxUnlock);
                }
            }
            Line::UnLock => {
                self.xa_lock(self.mapping())?;
                self.goto(Line::UnLookup);
            }
            Line::UnWarnUnlock => {
                say!(
                    self,
                    "{who} hits WARN_ON_ONCE(): the entry is gone or not locked."
                );
                self.xa_unlock(self.mapping())?;
                self.un_return()?;
            }
            Line::UnUnlockSlot => {
                let l = self.w.thread(self.tid).locals;
                let Some(a) = l.mapping else { return Ok(()) };
                if let Some(e) = self.w.inodes[a.0 as usize].lookup_mut(l.index) {
                    e.flags &= !entry_flags::LOCKED;
                    e.locker = None;
                }
                say!(
                    self,
                    "{who} clears the lock bit of (inode #{}, index {}).",
                    self.ino(a),
                    l.index
                );
                self.goto(Line::UnXaUnlock);
            }
            Line::UnXaUnlock => {
                self.xa_unlock(self.mapping())?;
                self.goto(Line::UnWake);
            }
            Line::UnWake => {
                let l = self.w.thread(self.tid).locals;
                if let (Some(a), Some(e)) = (l.mapping, l.entry) {
                    self.wake(a, l.index, e, WakeMode::One);
                }
                self.un_return()?;
            }

            // ---- a fault: grab_mapping_entry() ... put_locked_mapping_entry() ----
            Line::GrLock => {
                self.me().locals.gu_ret = Caller::Grab;
                self.xa_lock(self.mapping())?;
                self.goto(Line::GuLookup);
            }
            Line::GrLockSlot => {
                let l = self.w.thread(self.tid).locals;
                let Some(a) = l.mapping else { return Ok(()) };
                if let Some(e) = self.w.inodes[a.0 as usize].lookup_mut(l.index) {
                    e.flags |= entry_flags::LOCKED;
                    e.locker = Some(self.tid);
                }
                say!(
                    self,
                    "{who} locks the existing entry (inode #{}, index {}).",
                    self.ino(a),
                    l.index
                );
                self.goto(Line::GrUnlock);
            }
            Line::GrInsert => {
                let l = self.w.thread(self.tid).locals;
                let Some(a) = l.mapping else { return Ok(()) };
                let e = Entry {
                    index: l.index,
                    pfn: Pfn(0),
                    flags: entry_flags::LOCKED | entry_flags::EMPTY,
                    locker: Some(self.tid),
                };
                let mem = &mut self.w.inodes[a.0 as usize];
                let pos = mem
                    .entries
                    .iter()
                    .position(|x| x.index > l.index)
                    .unwrap_or(mem.entries.len());
                // Capacity is checked when the scenario is built: every fault can insert one entry.
                let _ = mem.entries.try_insert(pos, e);
                say!(
                    self,
                    "{who} finds no entry and inserts a locked empty entry at (inode #{}, index {}).",
                    self.ino(a),
                    l.index
                );
                self.goto(Line::GrUnlock);
            }
            Line::GrUnlock => {
                self.xa_unlock(self.mapping())?;
                let l = self.w.thread(self.tid).locals;
                if l.entry.is_none_or(|e| e.is_empty()) {
                    self.goto(Line::DiLock);
                } else {
                    say!(
                        self,
                        "{who} installs the page table entry while holding the entry lock."
                    );
                    self.call_unlock_mapping_entry(Caller::PutLocked);
                }
            }
            Line::DiLock => {
                self.xa_lock(self.mapping())?;
                self.goto(Line::DiAssociate);
            }
            Line::DiAssociate => {
                let l = self.w.thread(self.tid).locals;
                let page = &mut self.w.pages[pfn.0 as usize];
                page.mapping = l.mapping;
                page.index = l.index;
                say!(
                    self,
                    "{who} associates the page of {pfn} with the file: page->mapping = {}, page->index = {}.",
                    self.describe_ptr(l.mapping),
                    l.index
                );
                self.goto(Line::DiReplace);
            }
            Line::DiReplace => {
                let l = self.w.thread(self.tid).locals;
                let Some(a) = l.mapping else { return Ok(()) };
                let updated = self.w.inodes[a.0 as usize].lookup_mut(l.index).map(|e| {
                    e.flags &= !entry_flags::EMPTY;
                    e.pfn = pfn;
                    *e
                });
                if updated.is_some() {
                    self.me().locals.entry = updated;
                }
                say!(
                    self,
                    "{who} replaces the empty entry with a locked entry for {pfn}."
                );
                self.goto(Line::DiUnlock);
            }
            Line::DiUnlock => {
                self.xa_unlock(self.mapping())?;
                self.call_unlock_mapping_entry(Caller::PutLocked);
            }

            // ---- truncate: __dax_invalidate_mapping_entry() ----
            Line::TrLock => {
                self.me().locals.gu_ret = Caller::Invalidate;
                self.xa_lock(self.mapping())?;
                self.goto(Line::GuLookup);
            }
            Line::TrDisassociate => {
                let l = self.w.thread(self.tid).locals;
                if let Some(e) = l.entry {
                    if !e.is_empty() {
                        let span = if e.is_pmd() {
                            crate::world::PMD_NR as usize
                        } else {
                            1
                        };
                        let start = e.pfn.0 as usize;
                        for p in self.w.pages.iter_mut().skip(start).take(span) {
                            p.mapping = None;
                            p.index = 0;
                        }
                        say!(
                            self,
                            "{who} disassociates the page of pfn {}: page->mapping = NULL, page->index = 0.",
                            e.pfn.0
                        );
                    } else {
                        say!(
                            self,
                            "{who}: the entry is an empty placeholder, no page to disassociate."
                        );
                    }
                }
                self.goto(Line::TrDelete);
            }
            Line::TrDelete => {
                let l = self.w.thread(self.tid).locals;
                let Some(a) = l.mapping else { return Ok(()) };
                let mem = &mut self.w.inodes[a.0 as usize];
                if let Some(pos) = mem.entries.iter().position(|e| e.covers(l.index)) {
                    mem.entries.remove(pos);
                }
                say!(
                    self,
                    "{who} deletes the entry at (inode #{}, index {}).",
                    self.ino(a),
                    l.index
                );
                let next = self.put_unlocked_line();
                self.goto(next);
            }
            Line::PuWakeOne | Line::PuWakeAll => {
                let l = self.w.thread(self.tid).locals;
                match (l.mapping, l.entry) {
                    (Some(a), Some(e)) => {
                        let mode = if line == Line::PuWakeOne {
                            WakeMode::One
                        } else {
                            WakeMode::All
                        };
                        self.wake(a, l.index, e, mode);
                    }
                    _ => say!(
                        self,
                        "{who} found no entry, so put_unlocked_mapping_entry() wakes nobody."
                    ),
                }
                self.goto(Line::TrUnlock);
            }
            Line::TrUnlock => {
                self.xa_unlock(self.mapping())?;
                self.me().locals.iter += 1;
                self.truncate_next()?;
            }

            // ---- evict() / clear_inode() / destroy_inode() / recycling ----
            Line::EvIput => {
                let Some(a) = self.program().mapping() else {
                    return Ok(());
                };
                self.me().locals.mapping = Some(a);
                self.w.inodes[a.0 as usize].life = Life::Freeing;
                say!(
                    self,
                    "{who}: the last reference to inode #{} is gone; evict() begins (I_FREEING).",
                    self.ino(a)
                );
                self.me().locals.iter = 0;
                self.truncate_next()?;
            }
            Line::CiLock => {
                self.xa_lock(self.mapping())?;
                say!(
                    self,
                    "{who} cycles the i_pages lock so that nobody is still inside it."
                );
                self.goto(Line::CiUnlock);
            }
            Line::CiUnlock => {
                self.xa_unlock(self.mapping())?;
                let next = if matches!(self.program(), Program::Recycle { .. }) {
                    Line::RcInit
                } else {
                    Line::DsCallRcu
                };
                self.goto(next);
            }
            Line::DsCallRcu => {
                let Some(a) = self.mapping() else {
                    return Ok(());
                };
                self.w.inodes[a.0 as usize].life = Life::RcuPending;
                let _ = self
                    .w
                    .rcu
                    .callbacks
                    .try_push(crate::world::RcuCallback { addr: a, gp: 0 });
                say!(
                    self,
                    "{who} queues i_callback with call_rcu(): inode #{}'s memory is freed after the next grace period.",
                    self.ino(a)
                );
                return self.finish(ThreadResult::Done);
            }
            Line::RcInit => {
                let Some(a) = self.mapping() else {
                    return Ok(());
                };
                let ino = self.w.next_ino;
                self.w.next_ino += 1;
                let mem = &mut self.w.inodes[a.0 as usize];
                mem.previous_ino = Some(mem.ino);
                mem.ino = ino;
                mem.life = Life::Live;
                mem.entries.clear();
                say!(
                    self,
                    "{who}: the memory of inode #{} is recycled as inode #{ino} of another file, without a grace period; RCU only guarantees it is still *an inode*.",
                    mem.previous_ino.unwrap_or(0)
                );
                self.goto(Line::RcFaultLock);
            }
            Line::RcFaultLock => {
                self.xa_lock(self.mapping())?;
                self.goto(Line::RcFaultInsert);
            }
            Line::RcFaultInsert => {
                let Program::Recycle {
                    new_index, new_pfn, ..
                } = *self.program()
                else {
                    return Ok(());
                };
                let Some(a) = self.mapping() else {
                    return Ok(());
                };
                let _ = self.w.inodes[a.0 as usize].entries.try_push(Entry {
                    index: new_index,
                    pfn: new_pfn,
                    flags: 0,
                    locker: None,
                });
                let page = &mut self.w.pages[new_pfn.0 as usize];
                page.mapping = Some(a);
                page.index = new_index;
                say!(
                    self,
                    "{who}: the new file's first fault maps pfn {} at index {new_index} of inode #{}.",
                    new_pfn.0,
                    self.ino(a)
                );
                self.goto(Line::RcFaultUnlock);
            }
            Line::RcFaultUnlock => {
                self.xa_unlock(self.mapping())?;
                return self.finish(ThreadResult::Done);
            }

            // ---- RCU ----
            Line::RuStart => {
                let number = self.w.rcu.completed + 1;
                let mut waiting = 0u16;
                for (i, t) in self.w.threads.iter().enumerate() {
                    if t.rcu_nesting > 0 {
                        waiting |= 1 << i;
                    }
                }
                for c in self.w.rcu.callbacks.iter_mut().filter(|c| c.gp == 0) {
                    c.gp = number;
                }
                self.w.rcu.current = Some(crate::world::GracePeriod {
                    number,
                    waiting_for: waiting,
                });
                if N::ON {
                    let names: alloc::vec::Vec<&str> = (0..self.w.threads.len())
                        .filter(|i| waiting & (1 << i) != 0)
                        .map(|i| self.m.name(Tid(i as u8)))
                        .collect();
                    say!(
                        self,
                        "Grace period {number} starts; it must wait for {}.",
                        if names.is_empty() {
                            String::from("no reader (none is inside rcu_read_lock())")
                        } else {
                            names.join(", ")
                        }
                    );
                }
            }
            Line::RuEnd => {
                if let Some(gp) = self.w.rcu.current.take() {
                    self.w.rcu.completed = gp.number;
                    say!(
                        self,
                        "Grace period {} ends: every reader it waited for has left its read-side section.",
                        gp.number
                    );
                }
            }
            Line::RuInvoke => {
                let done = self.w.rcu.completed;
                if let Some(pos) = self
                    .w
                    .rcu
                    .callbacks
                    .iter()
                    .position(|c| c.gp != 0 && c.gp <= done)
                {
                    let cb = self.w.rcu.callbacks.remove(pos);
                    let mem = &mut self.w.inodes[cb.addr.0 as usize];
                    mem.life = Life::Freed { after_gp: cb.gp };
                    mem.entries.clear();
                    mem.xa_lock = None;
                    say!(
                        self,
                        "i_callback() frees the memory of inode #{} after grace period {}: any pointer to it is now dangling.",
                        mem.ino,
                        cb.gp
                    );
                }
            }

            // ---- unbinding the device ----
            Line::UbKill => {
                self.w.pgmap.killed = true;
                say!(
                    self,
                    "{who} kills the dev_pagemap reference count: get_dev_pagemap() fails from now on."
                );
                self.goto(Line::UbWait);
            }
            Line::UbWait => {
                say!(self, "{who}: every dev_pagemap reference has been put.");
                self.goto(Line::UbRemove);
            }
            Line::UbRemove => {
                self.w.pgmap.removed = true;
                say!(
                    self,
                    "{who} removes the device memory and its struct pages."
                );
                return self.finish(ThreadResult::Done);
            }

            _ => {}
        }
        Ok(())
    }
}
