//! Built-in scenarios: a named initial world and its threads, plus the hand-written story
//! schedule that shows what the scenario is about.

use crate::ids::{Addr, Pfn, Tid};
use crate::listing::Line;
use crate::model::{Model, Options};
use crate::program::{Program, ThreadSpec};
use crate::variant::{Variant, WakeMode};
use crate::violation::ViolationKind;
use crate::world::{
    Entry, InodeKind, InodeMem, Life, MAX_ENTRIES, MAX_INODES, MAX_PAGES, MAX_THREADS, Page, Pgmap,
    Rcu, Thread, World, entry_flags,
};
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use tinyvec::ArrayVec;

pub mod text;

/// The default number of wait-table buckets, as a power of two (the kernel has 12 bits).
pub const DEFAULT_BUCKET_BITS: u8 = 3;

/// A story: a hand-written schedule that shows the scenario's point under one variant.
#[derive(Clone, Copy, Debug)]
pub struct Story {
    /// The variant it is told under.
    pub variant: Variant,
    /// The truncate wake mode it needs, when not the variant's.
    pub wake: Option<WakeMode>,
    /// Fixes added to (or, with `-`, taken from) the variant's, as `--fixes` text.
    pub fixes: &'static str,
    /// The schedule.
    pub schedule: &'static str,
    /// The violation it ends in (none: every thread finishes).
    pub expect: Option<Expect>,
}

/// The violation a story ends in: its kind, the thread at fault and the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The kind.
    pub kind: ViolationKind,
    /// The thread's name.
    pub thread: &'static str,
    /// The line it is at.
    pub line: Line,
}

const fn story(variant: Variant, schedule: &'static str, expect: Option<Expect>) -> Story {
    Story {
        variant,
        wake: None,
        fixes: "",
        schedule,
        expect,
    }
}

const fn ends(kind: ViolationKind, thread: &'static str, line: Line) -> Option<Expect> {
    Some(Expect { kind, thread, line })
}

/// A built-in scenario.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    /// The stable name used in URLs, the CLI and lessons.
    pub name: &'static str,
    /// A short title.
    pub title: &'static str,
    /// What it shows, in two or three sentences.
    pub summary: &'static str,
    /// Hand-written schedules telling its story.
    pub stories: &'static [Story],
    build: fn() -> Setup,
}

pub use crate::model::Scale;

/// Every built-in scenario.
pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "self-deadlock",
        title: "Bug 0: spinning on your own lock",
        summary: "A fault holds the entry lock; memory failure sleeps on it and is woken. The seed returns -EAGAIN with the i_pages lock still held and `continue`s into xa_lock_irq() on the same lock: with interrupts off it spins forever (f52afc93cd01 fixed it).",
        stories: &[
            story(
                Variant::Seed,
                "fault*5,mf*14,fault*5,mf*9",
                ends(ViolationKind::Deadlock, "mf", Line::DlXaLock),
            ),
            story(Variant::V419, "fault*5,mf*14,fault*6,mf*29", None),
            story(Variant::Fixed, "fault*5,mf*14,fault*6,mf*27", None),
        ],
        build: || Setup::one_file(&["mf", "fault"]),
    },
    Scenario {
        name: "null-mapping",
        title: "Bug a: page->mapping is NULL",
        summary: "Memory failure sleeps on an entry a fault holds; once the fault is done, truncate deletes the entry and sets page->mapping to NULL; memory failure wakes, loops, reads NULL, and dax_mapping(NULL) dereferences it (c93db7bb6ef3 fixed it).",
        stories: &[
            story(
                Variant::V419,
                "fault*5,mf*14,fault*6,trunc*8,mf*7",
                ends(ViolationKind::NullDeref, "mf", Line::DlDaxMapping),
            ),
            story(
                Variant::Seed,
                "trunc*8,mf*4",
                ends(ViolationKind::NullDeref, "mf", Line::DlDaxMapping),
            ),
            story(Variant::Fixed, "fault*5,mf*14,fault*6,trunc*8,mf*7", None),
            story(Variant::Fixed, "trunc*8,mf*6,fault*15", None),
        ],
        build: || Setup::one_file(&["mf", "fault", "trunc"]),
    },
    Scenario {
        name: "freed-inode",
        title: "Bug b: the inode is freed while memory failure sleeps",
        summary: "Memory failure sleeps outside RCU; the fault finishes, the file is evicted, and the inode is freed after a grace period that did not wait for it. Memory failure wakes and takes the i_pages lock inside freed memory (55e56f06ed71 fixed it).",
        stories: &[
            story(
                Variant::V419,
                "fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4",
                ends(ViolationKind::UseAfterFree, "mf", Line::GuLock),
            ),
            story(
                Variant::Seed,
                "fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4",
                ends(ViolationKind::UseAfterFree, "mf", Line::GuLock),
            ),
            story(
                Variant::NoRcu,
                "fault*11,mf*3,evict*10,rcu*3,mf",
                ends(ViolationKind::UseAfterFree, "mf", Line::DlHost),
            ),
            story(
                Variant::Fixed,
                "fault*5,mf*14,fault*6,evict*10,rcu*3,mf*7",
                None,
            ),
        ],
        build: || Setup::one_file(&["mf", "fault", "evict", "rcu"]),
    },
    Scenario {
        name: "lost-wakeup",
        title: "Bug d: an exclusive waiter that gives up",
        summary: "fsync's writeback holds the entry lock; truncate and two memory failures on the same page (two machine checks) queue on it in that order — none holds the MMAPLOCK a fault would, so truncate may wait here. Truncate deletes the entry and wakes one waiter: the first memory failure. If it waited exclusively and finds page->mapping NULL, it gives up and passes the wake-up to nobody: the second sleeps forever. In v4.19 the NULL dereference comes first; with c93db7bb6ef3 alone the lost wake-up shows.",
        stories: &[
            Story {
                fixes: "c93db7bb6ef3",
                ..story(
                    Variant::V419,
                    "wb*7,trunc*5,mf*13,mf2*12,wb*5,trunc*9,mf*9,mf2*2",
                    ends(ViolationKind::LostWakeup, "mf2", Line::ErSchedule),
                )
            },
            story(
                Variant::V419,
                "wb*7,trunc*5,mf*13,mf2*12,wb*5,trunc*9,mf*7",
                ends(ViolationKind::NullDeref, "mf", Line::DlDaxMapping),
            ),
            story(
                Variant::ExclusiveWait,
                "wb*7,trunc*5,mf*13,mf2*13,wb*5,trunc*9,mf*7,mf2",
                ends(ViolationKind::LostWakeup, "mf2", Line::WeSchedule),
            ),
            story(
                Variant::V419y,
                "wb*7,trunc*5,mf*13,mf2*13,wb*5,trunc*9,mf*7,mf2*7",
                None,
            ),
            story(
                Variant::Fixed,
                "wb*7,trunc*5,mf*13,mf2*13,wb*5,trunc*9,mf*7,mf2*7",
                None,
            ),
        ],
        build: || Setup::one_file(&["wb", "trunc", "mf", "mf2"]),
    },
    Scenario {
        name: "truncate-wakeup",
        title: "Bug e: invalidation wakes one, and the one finds nothing",
        summary: "fsync's writeback holds the entry lock; truncate and two more writebacks queue on it. Unlocking wakes truncate, which deletes the entry and wakes one more waiter; that writeback finds no entry and wakes nobody, and the last sleeps forever. Truncate has woken only one waiter since c6dcf52c23d2 (v4.10); before that it woke them all. 237388320def (v5.13) wakes them all again; 4.19.y never took it.",
        stories: &[
            story(
                Variant::V419y,
                "wb*7,trunc*5,wb2*4,wb3*4,wb*5,trunc*9,wb2*6,wb3",
                ends(ViolationKind::LostWakeup, "wb3", Line::GuSchedule),
            ),
            story(
                Variant::V419,
                "wb*7,trunc*5,wb2*4,wb3*4,wb*5,trunc*9,wb2*6,wb3",
                ends(ViolationKind::LostWakeup, "wb3", Line::EwSchedule),
            ),
            story(
                Variant::Fixed,
                "wb*7,trunc*5,wb2*4,wb3*4,wb*5,trunc*9,wb2*6,wb3*6",
                None,
            ),
        ],
        build: || Setup::one_file(&["wb", "trunc", "wb2", "wb3"]),
    },
    Scenario {
        name: "inode-reuse",
        title: "Why re-check: the inode's memory becomes another file",
        summary: "Memory failure reads page->mapping; the file is unlinked and evicted, and XFS reuses the inode's memory for another file whose first page sits at the same index, without an RCU grace period. Without the re-check under the lock, memory failure locks the other file's entry.",
        stories: &[
            story(
                Variant::NoRecheck,
                "mf*6,reuse*13,mf*4",
                ends(ViolationKind::WrongEntryLocked, "mf", Line::DlLockSlot),
            ),
            story(Variant::Fixed, "mf*6,reuse*13,mf*7", None),
        ],
        build: || Setup::one_file(&["mf", "reuse"]),
    },
    Scenario {
        name: "device-dax",
        title: "Device-dax: the character-device shortcut",
        summary: "For a device-dax character device, dax_lock_mapping_entry() returns true at once, without an entry lock. The seed's reasoning: memory failure's dev_pagemap reference keeps the device, and so its inode, alive. That holds in this model, where unbind waits for the reference before removing the memory, as kernels do since 50f44ee7248a (2019); in v4.19 itself unbind removed the memory first.",
        stories: &[
            story(Variant::Fixed, "mf*6,unbind,mf*9,unbind*2", None),
            story(Variant::Seed, "unbind,mf,unbind*2", None),
        ],
        build: Setup::device_dax,
    },
    Scenario {
        name: "hash-collision",
        title: "Keyed wake-ups in a shared bucket",
        summary: "Two entries of one file hash to the same wait-table bucket. Memory failure waits for one, fsync's writeback for the other. Unlocking the second wakes the writeback and passes over memory failure, whose key does not match, without using up the wake-one budget.",
        stories: &[story(
            Variant::Fixed,
            "fault*5,fault2*5,mf*14,wb*5,fault2*5,wb*14,fault*6,mf*27,fault2",
            None,
        )],
        build: Setup::hash_collision,
    },
];

/// The built-in scenario called `name`.
pub fn scenario(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

impl Story {
    /// The options this story is told under.
    pub fn options(&self) -> Options {
        Options {
            variant: self.variant,
            code: Some(
                self.variant
                    .code()
                    .with_fixes(self.fixes)
                    .unwrap_or(self.variant.code()),
            ),
            truncate_wake: self.wake,
        }
    }
}

impl Scenario {
    /// The scenario's model under `options`.
    pub fn model(&self, options: Options) -> Model {
        (self.build)().into_model(self.name, options)
    }
}

/// A scaled `freed-inode`: `threads` memory-failure threads and as many faults over `pages`
/// pages of one file, with eviction and RCU. Returns an error naming the limit when too big.
pub fn scaled(scale: Scale, options: Options) -> Result<Model, String> {
    let Scale { threads, pages } = scale;
    let total = 2 * threads as usize + 2;
    if threads == 0 || pages == 0 {
        return Err("--threads and --pages must be at least 1".to_string());
    }
    if total > MAX_THREADS {
        return Err(alloc::format!(
            "--threads {threads} needs {total} threads; at most {} memory-failure threads fit (MAX_THREADS = {MAX_THREADS})",
            (MAX_THREADS - 2) / 2
        ));
    }
    if pages as usize > MAX_PAGES.min(MAX_ENTRIES) {
        return Err(alloc::format!(
            "--pages {pages} is more than the {} pages the model holds",
            MAX_PAGES.min(MAX_ENTRIES)
        ));
    }
    let mut s = Setup::new(pages, &(0..pages as u16).collect::<Vec<_>>());
    for t in 0..threads {
        let pfn = Pfn(t % pages);
        s.thread(
            &alloc::format!("mf{}", t + 1),
            Program::MemoryFailure { pfn },
        );
    }
    for t in 0..threads {
        let pfn = Pfn(t % pages);
        s.thread(
            &alloc::format!("fault{}", t + 1),
            Program::Fault {
                mapping: Addr(0),
                index: pfn.0 as u16,
                pfn,
            },
        );
    }
    s.thread(
        "evict",
        Program::Evict {
            mapping: Addr(0),
            indices: (0..pages as u16).collect(),
        },
    );
    s.thread("rcu", Program::Rcu);
    Ok(s.into_model("freed-inode", options))
}

/// A scenario under construction.
struct Setup {
    world: World,
    threads: Vec<ThreadSpec>,
    bucket_bits: u8,
}

impl Setup {
    /// One regular DAX file (inode #1 at address 0) whose `indices` map pfns 0, 1, ...
    fn new(pages: u8, indices: &[u16]) -> Setup {
        let mut world = World {
            pgmap: Pgmap::default(),
            pages: (0..pages)
                .map(|_| Page {
                    mapping: None,
                    index: 0,
                    hwpoison: false,
                })
                .collect(),
            inodes: ArrayVec::new(),
            waiters: ArrayVec::new(),
            rcu: Rcu::default(),
            threads: ArrayVec::new(),
            next_ino: 2,
            halted: false,
        };
        let mut mem = InodeMem {
            ino: 1,
            previous_ino: None,
            kind: InodeKind::Regular,
            dax: true,
            life: Life::Live,
            users: 0,
            xa_lock: None,
            mmaplock: Default::default(),
            entries: ArrayVec::new(),
        };
        for (pfn, &index) in indices.iter().enumerate() {
            mem.entries.push(Entry {
                index,
                pfn: Pfn(pfn as u8),
                flags: 0,
                locker: None,
            });
            world.pages[pfn] = Page {
                mapping: Some(Addr(0)),
                index,
                hwpoison: false,
            };
        }
        world.inodes.push(mem);
        Setup {
            world,
            threads: Vec::new(),
            bucket_bits: DEFAULT_BUCKET_BITS,
        }
    }

    /// The standard threads over one file with index 0 → pfn 0, by name.
    fn one_file(names: &[&str]) -> Setup {
        let mut s = Setup::new(2, &[0]);
        let file = Addr(0);
        for &name in names {
            let program = match name {
                "mf" | "mf2" => Program::MemoryFailure { pfn: Pfn(0) },
                "fault" | "fault2" => Program::Fault {
                    mapping: file,
                    index: 0,
                    pfn: Pfn(0),
                },
                "trunc" | "trunc2" | "trunc3" => Program::Truncate {
                    mapping: file,
                    indices: vec![0],
                },
                "wb" | "wb2" | "wb3" => {
                    // fsync tagged the dirty entry for writeback.
                    s.world.inodes[0].entries[0].flags |= entry_flags::TOWRITE;
                    Program::Writeback {
                        mapping: file,
                        index: 0,
                        pfn: Pfn(0),
                    }
                }
                "evict" => Program::Evict {
                    mapping: file,
                    indices: vec![0],
                },
                "reuse" => Program::Recycle {
                    mapping: file,
                    indices: vec![0],
                    new_index: 0,
                    new_pfn: Pfn(1),
                },
                _ => Program::Rcu,
            };
            s.thread(name, program);
        }
        s
    }

    fn device_dax() -> Setup {
        let mut s = Setup::new(2, &[]);
        s.world.inodes[0].kind = InodeKind::CharDevice;
        s.world.pages[0] = Page {
            mapping: Some(Addr(0)),
            index: 0,
            hwpoison: false,
        };
        s.thread("mf", Program::MemoryFailure { pfn: Pfn(0) });
        s.thread("unbind", Program::Unbind);
        s
    }

    fn hash_collision() -> Setup {
        let probe = Setup::new(2, &[0]).into_model("hash-collision", Options::new(Variant::Fixed));
        let (b0, _) = probe.waitqueue(Addr(0), 0, false);
        let other = (1..=u16::MAX)
            .find(|&i| probe.waitqueue(Addr(0), i, false).0 == b0)
            .unwrap_or(1);
        let mut s = Setup::new(2, &[0, other]);
        let file = Addr(0);
        s.thread(
            "fault",
            Program::Fault {
                mapping: file,
                index: 0,
                pfn: Pfn(0),
            },
        );
        s.thread(
            "fault2",
            Program::Fault {
                mapping: file,
                index: other,
                pfn: Pfn(1),
            },
        );
        s.thread("mf", Program::MemoryFailure { pfn: Pfn(0) });
        s.world.inodes[0].entries[1].flags |= entry_flags::TOWRITE;
        s.thread(
            "wb",
            Program::Writeback {
                mapping: file,
                index: other,
                pfn: Pfn(1),
            },
        );
        s
    }

    fn thread(&mut self, name: &str, program: Program) {
        // The thread is put on its first step line when the model is built.
        let mut t = Thread::new(program.entry().head());
        t.locals.mapping = program.mapping();
        match &program {
            Program::Fault { mapping, index, .. } => {
                t.locals.index = *index;
                self.world.inodes[mapping.0 as usize].users += 1;
            }
            Program::Writeback { index, .. } => t.locals.index = *index,
            _ => {}
        }
        self.world.threads.push(t);
        self.threads.push(ThreadSpec {
            name: name.to_string(),
            program,
        });
    }

    fn into_model(self, scenario: &'static str, options: Options) -> Model {
        debug_assert!(self.world.inodes.len() <= MAX_INODES);
        let mut model = Model {
            scenario,
            variant: options.variant,
            code: options.code(),
            layout: crate::listing::Layout::new(options.code()),
            bucket_bits: self.bucket_bits,
            threads: self.threads,
            text: Vec::new(),
            initial: World {
                threads: ArrayVec::new(),
                ..self.world.clone()
            },
            body_order: None,
        };
        let mut world = self.world;
        let started = model.start_threads(&mut world);
        // Every built-in and scaled scenario starts cleanly (tested); a model bug halts it.
        debug_assert!(started.is_ok(), "{scenario}: {started:?}");
        world.halted |= started.is_err();
        model.initial = world;
        model
    }
}

/// Convenience: the thread ids of a model by name, in order.
pub fn thread_names(model: &Model) -> Vec<&str> {
    (0..model.threads().len())
        .map(|i| model.name(Tid(i as u8)))
        .collect()
}
