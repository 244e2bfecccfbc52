//! The scenario grammar: any scenario of the model as text, for URLs (`threads=`, `pages=`,
//! `buckets=`, `init=`) and the CLI (`--threads`, `--pages`, `--buckets`, `--init`). The
//! built-in scenarios are named presets of it ([`PRESETS`]), and a bare number of threads is
//! today's scaled `freed-inode`.
//!
//! - `threads=` — comma-separated kernel paths, each `PATH[:ARG][=NAME]`:
//!   `mf[:PFN]` memory failure on a page (default 0); `fault[:INDEX[@PFN]]` a fault on a file
//!   index (default 0), installing the free page PFN when the index is not mapped;
//!   `trunc[:INDEX]` truncate of one index (default: every mapped index), under the MMAPLOCK,
//!   through `dax_delete_mapping_entry()` (`__dax_invalidate_mapping_entry(..., true)`);
//!   `inval[:INDEX]` page-cache invalidation of one index (default: every mapped index),
//!   `invalidate_inode_pages2_range()` → `dax_invalidate_mapping_entry_sync()`
//!   (`__dax_invalidate_mapping_entry(..., false)`): no MMAPLOCK, and an entry tagged TOWRITE is
//!   left in place; `wb[:INDEX]` fsync's writeback of a mapped index (default 0), which tags it
//!   TOWRITE; `evict` the last `iput()`;
//!   `reuse[:INDEX[@PFN]]` eviction, then XFS reusing the memory for a new file whose first
//!   fault is at INDEX (default 0) on PFN (default: the first free page); `unbind` the device
//!   teardown; `rcu` the grace-period machinery. A thread's name defaults to its path, numbered
//!   from the second of a kind (`mf`, `mf2`); `=NAME` sets it. A bare number N is N memory
//!   failures and N faults over the pages, with `evict` and `rcu` (the scaled `freed-inode`).
//! - `pages=` — `N`: N pages, page i mapped at file index i; or `N:MAP`: MAP lists, from page 0,
//!   the file index each page is mapped at or `-` for a page not mapped (free, or already
//!   truncated: truncate leaves `page->mapping` NULL, all the model keeps of it). Default `2:0`
//!   (with a number of threads: `1`).
//! - `buckets=` — the wait table's size: 2, 4, 8 (default), 16, 32 or 64.
//! - `init=` — initial-state flags: `devdax` (the file is a device-dax character device: its
//!   pages point at it, it has no `i_pages` entries), `reused` (the inode's memory held another
//!   inode before).
//!
//! Parsing checks everything the model needs and names the bad item and what is accepted;
//! nothing panics, and every accepted text formats back to text that parses equal.

mod items;

use super::{DEFAULT_BUCKET_BITS, Setup};
use crate::ids::{Addr, Pfn};
use crate::model::{Model, Options};
use crate::program::Program;
use crate::world::{Entry, InodeKind, MAX_ENTRIES, MAX_PAGES, MAX_THREADS, Page, entry_flags};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use items::{parse_buckets, parse_init, parse_pages, parse_threads};

/// Most pages a scenario may have.
pub const MAX_SPEC_PAGES: usize = if MAX_PAGES < MAX_ENTRIES {
    MAX_PAGES
} else {
    MAX_ENTRIES
};
/// Most memory-failure threads of a scaled scenario (each comes with a fault, plus `evict` and
/// `rcu`).
pub const MAX_SCALED_THREADS: u8 = ((MAX_THREADS - 2) / 2) as u8;
/// Longest thread name.
pub const MAX_NAME_LEN: usize = 16;
/// The scenario name a model built from text (not a preset) carries.
pub const CUSTOM: &str = "custom";

/// A kernel path of the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Path {
    /// `mf`: `memory_failure()`.
    Mf,
    /// `fault`: a DAX fault under the MMAPLOCK.
    Fault,
    /// `trunc`: truncate.
    Trunc,
    /// `inval`: page-cache invalidation (`invalidate_inode_pages2_range()`), which keeps dirty
    /// entries.
    Inval,
    /// `wb`: fsync's writeback of one entry.
    Wb,
    /// `evict`: the last `iput()`.
    Evict,
    /// `reuse`: eviction, then the memory reused for another file.
    Reuse,
    /// `unbind`: the device teardown.
    Unbind,
    /// `rcu`: the grace-period machinery.
    Rcu,
}

impl Path {
    /// Every path, in the order `daxlab list` and messages give them.
    pub const ALL: [Path; 9] = [
        Path::Mf,
        Path::Fault,
        Path::Trunc,
        Path::Inval,
        Path::Wb,
        Path::Evict,
        Path::Reuse,
        Path::Unbind,
        Path::Rcu,
    ];

    /// The word the grammar uses (and the default thread name).
    pub fn word(self) -> &'static str {
        match self {
            Path::Mf => "mf",
            Path::Fault => "fault",
            Path::Trunc => "trunc",
            Path::Inval => "inval",
            Path::Wb => "wb",
            Path::Evict => "evict",
            Path::Reuse => "reuse",
            Path::Unbind => "unbind",
            Path::Rcu => "rcu",
        }
    }

    /// How the path is written, for messages and `daxlab list`.
    pub fn usage(self) -> &'static str {
        match self {
            Path::Mf => "mf[:PFN]",
            Path::Fault => "fault[:INDEX[@PFN]]",
            Path::Trunc => "trunc[:INDEX]",
            Path::Inval => "inval[:INDEX]",
            Path::Wb => "wb[:INDEX]",
            Path::Evict => "evict",
            Path::Reuse => "reuse[:INDEX[@PFN]]",
            Path::Unbind => "unbind",
            Path::Rcu => "rcu",
        }
    }

    fn from_word(word: &str) -> Option<Path> {
        Path::ALL.into_iter().find(|p| p.word() == word)
    }

    /// Whether the path works on the file's `i_pages` (and so needs a regular file).
    fn needs_entries(self) -> bool {
        !matches!(self, Path::Mf | Path::Unbind | Path::Rcu)
    }
}

/// One thread as written: its path, arguments and name (`None`: the default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadText {
    /// The path.
    pub path: Path,
    /// The first argument (a pfn for `mf`, an index for the rest), if written.
    pub arg: Option<u16>,
    /// The page after `@` (`fault`, `reuse`), if written.
    pub pfn: Option<u8>,
    /// The name after `=`, if written.
    pub name: Option<String>,
}

/// The threads: a list, or a number (the scaled `freed-inode`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Threads {
    /// N memory failures and N faults over the pages, with `evict` and `rcu`.
    Scaled(u8),
    /// The threads as listed.
    List(Vec<ThreadText>),
}

/// A scenario as text, parsed and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    threads: Threads,
    /// Invariant: 1..=MAX_SPEC_PAGES long; the mapped indices are distinct.
    pages: Vec<Option<u16>>,
    /// Invariant: 1..=6.
    bucket_bits: u8,
    devdax: bool,
    reused: bool,
}

/// Text that is not a scenario: which parameter, which item, what is wrong, what is accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The parameter: `threads`, `pages`, `buckets` or `init`.
    pub param: &'static str,
    /// 1-based position of the item within the parameter, when it is one item of a list.
    pub item: Option<usize>,
    /// The bad text.
    pub value: String,
    /// What is wrong with it.
    pub problem: String,
    /// What is accepted instead.
    pub accepted: String,
}

impl SpecError {
    /// The message with the parameter written as a command-line flag (`--threads item 2 …`).
    pub fn as_flag(&self) -> String {
        format!("--{} {}", self.param, self.details())
    }

    /// The message after the parameter's name: the item, the value, what is wrong, what is
    /// accepted.
    fn details(&self) -> String {
        let item = self.item.map(|i| format!("item {i} ")).unwrap_or_default();
        format!(
            "{item}{}: {}; accepted: {}",
            crate::quote::shown(&self.value),
            self.problem,
            self.accepted
        )
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `threads="99": …` for the whole value, `threads= item 2 "x": …` for one item of it.
        let gap = if self.item.is_some() { " " } else { "" };
        write!(f, "{}={gap}{}", self.param, self.details())
    }
}

/// The texts of one scenario, as the four URL parameters (or CLI flags) give them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpecText<'a> {
    /// `threads=`.
    pub threads: &'a str,
    /// `pages=`, if given.
    pub pages: Option<&'a str>,
    /// `buckets=`, if given.
    pub buckets: Option<&'a str>,
    /// `init=`, if given.
    pub init: Option<&'a str>,
}

/// A built-in scenario as text.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// The built-in scenario's name.
    pub name: &'static str,
    /// Its texts.
    pub text: SpecText<'static>,
}

const fn preset(name: &'static str, threads: &'static str, pages: &'static str) -> Preset {
    Preset {
        name,
        text: SpecText {
            threads,
            pages: Some(pages),
            buckets: None,
            init: None,
        },
    }
}

/// Every built-in scenario as text (a test checks each builds the built-in's world, threads
/// and explorer results).
pub static PRESETS: &[Preset] = &[
    preset("self-deadlock", "mf,fault", "2:0"),
    preset("null-mapping", "mf,fault,trunc", "2:0"),
    preset("freed-inode", "mf,fault,evict,rcu", "2:0"),
    preset("lost-wakeup", "wb,trunc,mf,mf", "2:0"),
    preset("truncate-wakeup", "wb,trunc,wb,wb", "2:0"),
    preset("inode-reuse", "mf,reuse", "2:0"),
    Preset {
        name: "device-dax",
        text: SpecText {
            threads: "mf,unbind",
            pages: Some("2:0"),
            buckets: None,
            init: Some("devdax"),
        },
    },
    // Index 8 hashes to index 0's bucket in a table of 8 (tested).
    preset("hash-collision", "fault,fault:8,mf,wb:8", "2:0,8"),
];

/// The `init=` text of the two initial-state flags, or `None` when neither is set.
pub fn init_text(devdax: bool, reused: bool) -> Option<String> {
    let flags: Vec<&str> = [(devdax, "devdax"), (reused, "reused")]
        .into_iter()
        .filter_map(|(on, f)| on.then_some(f))
        .collect();
    (!flags.is_empty()).then(|| flags.join(","))
}

/// Each thread's name: the one written, or its path numbered from the second of a kind
/// (`fault`, `fault2`).
pub fn thread_names<'a>(threads: impl IntoIterator<Item = (Path, Option<&'a str>)>) -> Vec<String> {
    let mut seen = [0u8; Path::ALL.len()];
    threads
        .into_iter()
        .map(|(path, name)| {
            let k = Path::ALL.iter().position(|p| *p == path).unwrap_or(0);
            seen[k] = seen[k].saturating_add(1);
            match name {
                Some(n) => n.to_string(),
                None if seen[k] == 1 => path.word().to_string(),
                None => format!("{}{}", path.word(), seen[k]),
            }
        })
        .collect()
}

/// The preset called `name`.
pub fn preset_named(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

fn err(
    param: &'static str,
    item: Option<usize>,
    value: &str,
    problem: impl Into<String>,
    accepted: impl Into<String>,
) -> SpecError {
    SpecError {
        param,
        item,
        value: value.into(),
        problem: problem.into(),
        accepted: accepted.into(),
    }
}

fn paths_accepted() -> String {
    Path::ALL
        .iter()
        .map(|p| p.usage())
        .collect::<Vec<_>>()
        .join(", ")
}

const INDEX_ACCEPTED: &str = "a file index from 0 to 65535";

fn number<T: core::str::FromStr>(text: &str) -> Option<T> {
    // Only plain digits: no sign, no spaces inside.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl Spec {
    /// Parse and check a scenario's texts.
    pub fn parse(text: SpecText) -> Result<Spec, SpecError> {
        let threads_text = text.threads.trim();
        let scaled = number::<u64>(threads_text);
        let pages = match text.pages.map(str::trim) {
            Some(p) => parse_pages(p)?,
            None if scaled.is_some() => alloc::vec![Some(0)],
            None => alloc::vec![Some(0), None],
        };
        let bucket_bits = match text.buckets.map(str::trim) {
            None => DEFAULT_BUCKET_BITS,
            Some(b) => parse_buckets(b)?,
        };
        let (devdax, reused) = match text.init {
            None => (false, false),
            Some(i) => parse_init(i)?,
        };
        let threads = match scaled {
            Some(n) => {
                let n = u8::try_from(n)
                    .ok()
                    .filter(|n| (1..=MAX_SCALED_THREADS).contains(n))
                    .ok_or_else(|| {
                        err(
                            "threads",
                            None,
                            threads_text,
                            format!(
                                "a scaled scenario has N memory failures, N faults, evict and rcu, and the model holds at most {MAX_THREADS} threads (MAX_THREADS)"
                            ),
                            format!(
                                "a number from 1 to {MAX_SCALED_THREADS}, or a list of paths: {}",
                                paths_accepted()
                            ),
                        )
                    })?;
                let identity = pages.iter().enumerate().all(|(i, p)| *p == Some(i as u16));
                if !identity {
                    return Err(err(
                        "pages",
                        None,
                        text.pages.unwrap_or_default().trim(),
                        "a number of threads scales freed-inode over pages mapped at their own index",
                        format!("a number of pages from 1 to {MAX_SPEC_PAGES}"),
                    ));
                }
                if devdax {
                    return Err(err(
                        "init",
                        None,
                        text.init.unwrap_or_default().trim(),
                        "a scaled freed-inode faults and evicts a regular file",
                        "reused, or nothing",
                    ));
                }
                Threads::Scaled(n)
            }
            None => Threads::List(parse_threads(threads_text, &pages, devdax)?),
        };
        let spec = Spec {
            threads,
            pages,
            bucket_bits,
            devdax,
            reused,
        };
        spec.check_names()?;
        Ok(spec)
    }

    /// Parse the texts given on top of the built-in `scenario`: without `threads`, its preset
    /// supplies the threads and whatever else is not given (`?scenario=hash-collision&buckets=16`).
    pub fn parse_over(
        scenario: &str,
        given: SpecText,
        threads_given: bool,
    ) -> Result<Spec, SpecError> {
        if threads_given {
            return Spec::parse(given);
        }
        let Some(preset) = preset_named(scenario) else {
            return Err(err(
                "threads",
                None,
                "",
                format!(
                    "there is no built-in scenario {} to take the threads from",
                    crate::quote::shown(scenario)
                ),
                format!(
                    "threads=, or a built-in scenario: {}",
                    PRESETS
                        .iter()
                        .map(|p| p.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        Spec::parse(SpecText {
            threads: preset.text.threads,
            pages: given.pages.or(preset.text.pages),
            buckets: given.buckets.or(preset.text.buckets),
            init: given.init.or(preset.text.init),
        })
        .map_err(|e| {
            // The threads are the preset's, not the user's: name what the user changed.
            if e.param != "threads" {
                return e;
            }
            let (param, value) = match (given.pages, given.init, given.buckets) {
                // Both given: the one the threads cannot take alone.
                (Some(p), Some(i), _) => {
                    let pages_alone = Spec::parse(SpecText {
                        threads: preset.text.threads,
                        pages: Some(p),
                        buckets: given.buckets.or(preset.text.buckets),
                        init: preset.text.init,
                    });
                    if pages_alone.is_ok() {
                        ("init", i)
                    } else {
                        ("pages", p)
                    }
                }
                (Some(v), ..) => ("pages", v),
                (None, Some(v), _) => ("init", v),
                (None, None, Some(v)) => ("buckets", v),
                (None, None, None) => return e,
            };
            let thread = match e.item {
                Some(n) => format!("its thread {n} {}", crate::quote::shown(&e.value)),
                None => String::from("they"),
            };
            err(
                param,
                None,
                value,
                format!(
                    "does not fit {scenario}'s own threads (threads={}): {thread}: {}",
                    preset.text.threads, e.problem
                ),
                format!(
                    "{param}= that these threads can run on ({scenario}'s own: pages={}{}), or a scenario of threads of your own",
                    preset.text.pages.unwrap_or("1"),
                    preset.text.init.map(|i| format!(", init={i}")).unwrap_or_default()
                ),
            )
        })
    }

    /// The preset of the built-in scenario `name`, parsed.
    pub fn preset(name: &str) -> Option<Spec> {
        preset_named(name).and_then(|p| Spec::parse(p.text).ok())
    }

    /// The threads as written.
    pub fn threads(&self) -> &Threads {
        &self.threads
    }

    /// The number of wait-table buckets.
    pub fn buckets(&self) -> u8 {
        1 << self.bucket_bits
    }

    /// Each page's file index, or `None` for a page not mapped, from page 0.
    pub fn pages(&self) -> &[Option<u16>] {
        &self.pages
    }

    /// Whether the file is a device-dax character device (`init=devdax`).
    pub fn devdax(&self) -> bool {
        self.devdax
    }

    /// Whether the inode's memory held another inode before (`init=reused`).
    pub fn reused(&self) -> bool {
        self.reused
    }

    /// The `threads=` text.
    pub fn threads_text(&self) -> String {
        match &self.threads {
            Threads::Scaled(n) => n.to_string(),
            Threads::List(list) => list
                .iter()
                .map(|t| {
                    let mut s = String::from(t.path.word());
                    if let Some(a) = t.arg {
                        s.push_str(&format!(":{a}"));
                    }
                    if let Some(p) = t.pfn {
                        s.push_str(&format!("@{p}"));
                    }
                    if let Some(n) = &t.name {
                        s.push('=');
                        s.push_str(n);
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    /// The `pages=` text: a count when every page is mapped at its own index.
    pub fn pages_text(&self) -> String {
        let count = self.pages.len();
        if self
            .pages
            .iter()
            .enumerate()
            .all(|(i, p)| *p == Some(i as u16))
        {
            return count.to_string();
        }
        let last = self.pages.iter().rposition(Option::is_some).unwrap_or(0);
        let map = self.pages[..=last]
            .iter()
            .map(|p| p.map_or("-".to_string(), |i| i.to_string()))
            .collect::<Vec<_>>()
            .join(",");
        format!("{count}:{map}")
    }

    /// The `buckets=` text, or `None` for the default.
    pub fn buckets_text(&self) -> Option<String> {
        (self.bucket_bits != DEFAULT_BUCKET_BITS).then(|| self.buckets().to_string())
    }

    /// The `init=` text, or `None` when no flag is set.
    pub fn init_text(&self) -> Option<String> {
        init_text(self.devdax, self.reused)
    }

    /// The parameters that reproduce this scenario, in URL order; defaults left out.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut v = alloc::vec![
            ("threads", self.threads_text()),
            ("pages", self.pages_text())
        ];
        if let Some(b) = self.buckets_text() {
            v.push(("buckets", b));
        }
        if let Some(i) = self.init_text() {
            v.push(("init", i));
        }
        v
    }

    /// The threads as a list: a scaled scenario expanded (`mf1`… `fault1`… `evict`, `rcu`).
    pub fn thread_list(&self) -> Vec<ThreadText> {
        match &self.threads {
            Threads::List(l) => l.clone(),
            Threads::Scaled(n) => {
                let pages = self.pages.len() as u16;
                let named = |path, arg: Option<u16>, name: String| ThreadText {
                    path,
                    arg,
                    pfn: None,
                    name: Some(name),
                };
                let mut l = Vec::new();
                for t in 0..*n as u16 {
                    l.push(named(Path::Mf, Some(t % pages), format!("mf{}", t + 1)));
                }
                for t in 0..*n as u16 {
                    l.push(named(
                        Path::Fault,
                        Some(t % pages),
                        format!("fault{}", t + 1),
                    ));
                }
                l.push(named(Path::Evict, None, "evict".into()));
                l.push(named(Path::Rcu, None, "rcu".into()));
                l
            }
        }
    }

    /// Each thread's name, in order.
    pub fn names(&self) -> Vec<String> {
        thread_names(
            self.thread_list()
                .iter()
                .map(|t| (t.path, t.name.as_deref())),
        )
    }

    fn check_names(&self) -> Result<(), SpecError> {
        let names = self.names();
        for (i, n) in names.iter().enumerate() {
            if let Some(j) = names[..i].iter().position(|m| m == n) {
                return Err(err(
                    "threads",
                    Some(i + 1),
                    n,
                    format!(
                        "thread name {} is also the name of item {}",
                        crate::quote::shown(n),
                        j + 1
                    ),
                    "a name used once: set one with =NAME, e.g. fault:0=writer",
                ));
            }
        }
        Ok(())
    }

    /// The scenario's model under `options`, named `scenario` (a preset's name, or [`CUSTOM`]).
    pub fn model_named(&self, scenario: &'static str, options: Options) -> Model {
        let mut model = self.setup().into_model(scenario, options);
        if crate::scenario::scenario(scenario).is_none() || self.is_scaled() {
            model.text = self.params();
        }
        model
    }

    /// The built-in scenario whose whole preset this text is, if any.
    pub fn built_in(&self) -> Option<&'static str> {
        PRESETS
            .iter()
            .find(|p| Spec::parse(p.text).as_ref() == Ok(self))
            .map(|p| p.name)
    }

    /// Whether this is a number of threads (the scaled `freed-inode`).
    pub fn is_scaled(&self) -> bool {
        matches!(self.threads, Threads::Scaled(_))
    }

    /// The scenario's model under `options`: a preset's text builds a model carrying the
    /// preset's name, anything else [`CUSTOM`] (a scaled one `freed-inode`).
    pub fn model(&self, options: Options) -> Model {
        let name = self.built_in().unwrap_or(match self.threads {
            Threads::Scaled(_) => "freed-inode",
            Threads::List(_) => CUSTOM,
        });
        self.model_named(name, options)
    }

    fn mapped(&self) -> impl Iterator<Item = (u8, u16)> + '_ {
        self.pages
            .iter()
            .enumerate()
            .filter_map(|(pfn, i)| i.map(|i| (pfn as u8, i)))
    }

    fn pfn_at(&self, index: u16) -> Option<u8> {
        self.mapped().find(|(_, i)| *i == index).map(|(p, _)| p)
    }

    fn first_free(&self) -> Option<u8> {
        self.pages.iter().position(Option::is_none).map(|p| p as u8)
    }

    fn setup(&self) -> Setup {
        let file = Addr(0);
        let mut s = Setup::new(self.pages.len() as u8, &[]);
        s.bucket_bits = self.bucket_bits;
        let mut mapped: Vec<(u8, u16)> = self.mapped().collect();
        mapped.sort_by_key(|(_, i)| *i);
        for &(pfn, index) in &mapped {
            s.world.pages[pfn as usize] = Page {
                mapping: Some(file),
                index,
                hwpoison: false,
            };
            if !self.devdax {
                s.world.inodes[0].entries.push(Entry {
                    index,
                    pfn: Pfn(pfn),
                    flags: 0,
                    locker: None,
                });
            }
        }
        if self.devdax {
            s.world.inodes[0].kind = InodeKind::CharDevice;
        }
        if self.reused {
            let next = s.world.next_ino;
            let mem = &mut s.world.inodes[0];
            mem.previous_ino = Some(mem.ino);
            mem.ino = next;
            s.world.next_ino = next + 1;
        }
        let list = self.thread_list();
        // Eviction truncates every index the file may hold: those mapped and those faulted.
        let mut all: Vec<u16> = mapped.iter().map(|(_, i)| *i).collect();
        all.extend(
            list.iter()
                .filter(|t| t.path == Path::Fault)
                .map(|t| t.arg.unwrap_or(0)),
        );
        all.sort_unstable();
        all.dedup();
        for (t, name) in list.iter().zip(self.names()) {
            let index = t.arg.unwrap_or(0);
            let program = match t.path {
                Path::Mf => Program::MemoryFailure {
                    pfn: Pfn(index as u8),
                },
                Path::Fault => Program::Fault {
                    mapping: file,
                    index,
                    pfn: Pfn(t.pfn.or(self.pfn_at(index)).unwrap_or(0)),
                },
                Path::Trunc => Program::Truncate {
                    mapping: file,
                    indices: t.arg.map_or_else(|| all.clone(), |i| alloc::vec![i]),
                },
                Path::Inval => Program::Invalidate {
                    mapping: file,
                    indices: t.arg.map_or_else(|| all.clone(), |i| alloc::vec![i]),
                },
                Path::Wb => {
                    // fsync tagged the dirty entry for writeback.
                    if let Some(e) = s.world.inodes[0].lookup_mut(index) {
                        e.flags |= entry_flags::TOWRITE;
                    }
                    Program::Writeback {
                        mapping: file,
                        index,
                        pfn: Pfn(self.pfn_at(index).unwrap_or(0)),
                    }
                }
                Path::Evict => Program::Evict {
                    mapping: file,
                    indices: all.clone(),
                },
                Path::Reuse => Program::Recycle {
                    mapping: file,
                    indices: all.clone(),
                    new_index: index,
                    new_pfn: Pfn(t.pfn.or(self.first_free()).unwrap_or(0)),
                },
                Path::Unbind => Program::Unbind,
                Path::Rcu => Program::Rcu,
            };
            s.thread(&name, program);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(threads: &str, pages: Option<&str>) -> Result<Spec, SpecError> {
        Spec::parse(SpecText {
            threads,
            pages,
            ..SpecText::default()
        })
    }

    fn check_err(threads: &str, pages: Option<&str>, expect: &[&str]) {
        let e = parse(threads, pages).expect_err(threads).to_string();
        for x in expect {
            assert!(e.contains(x), "{threads:?} {pages:?}: {e:?} lacks {x:?}");
        }
    }

    #[test]
    fn the_issue_example_parses_with_default_names() {
        let s = parse("mf:0,fault:0,fault:0,inval:0,evict,rcu", None).unwrap();
        assert_eq!(
            s.names(),
            ["mf", "fault", "fault2", "inval", "evict", "rcu"]
        );
        let s = parse("fault:0=writer,fault", None).unwrap();
        assert_eq!(s.names(), ["writer", "fault2"]);
    }

    #[test]
    fn an_init_flag_given_twice_is_named() {
        let given = SpecText {
            threads: "mf",
            init: Some("reused,reused"),
            ..SpecText::default()
        };
        let e = Spec::parse(given).unwrap_err();
        assert_eq!((e.param, e.value.as_str()), ("init", "reused"));
        assert!(e.problem.contains("given twice"), "{e}");
    }

    #[test]
    fn a_preset_change_that_does_not_fit_names_the_parameter_given() {
        let given = SpecText {
            pages: Some("3"),
            ..SpecText::default()
        };
        let e = Spec::parse_over("hash-collision", given, false).unwrap_err();
        assert_eq!((e.param, e.value.as_str()), ("pages", "3"));
        assert!(e.problem.contains("hash-collision's own threads"), "{e}");
        assert!(e.problem.contains("\"fault:8\""), "{e}");
        assert!(e.accepted.contains("pages=2:0,8"), "{e}");
        // pages= and init= both given: the one that does not fit is named.
        let both = SpecText {
            pages: Some("2:0"),
            init: Some("devdax"),
            ..SpecText::default()
        };
        let e = Spec::parse_over("self-deadlock", both, false).unwrap_err();
        assert_eq!((e.param, e.value.as_str()), ("init", "devdax"), "{e}");
    }

    #[test]
    fn errors_name_the_item_and_what_is_accepted() {
        check_err(
            "mf,frob:1",
            None,
            &["item 2", "\"frob\"", "mf[:PFN]", "rcu"],
        );
        check_err("mf:9", None, &["item 1", "\"mf:9\"", "0 to 1"]);
        check_err("fault:3", None, &["index 3", "@PFN", "free page (1)"]);
        check_err("wb:3", None, &["index 3", "mapped index (0)"]);
        check_err(
            "mf,mf,mf,mf,mf,mf,mf,mf,mf,mf,mf,mf,mf",
            None,
            &["13 threads", "at most 12 (MAX_THREADS)"],
        );
        check_err("6", None, &["\"6\"", "from 1 to 5", "12 threads"]);
        check_err("mf", Some("9"), &["pages=", "\"9\"", "1 to 8"]);
        check_err(
            "mf",
            Some("2:0,0"),
            &["item 2", "already mapped at index 0"],
        );
        check_err("mf,fault=mf", None, &["item 2", "\"mf\"", "item 1"]);
        check_err("evict,reuse", None, &["item 2", "at most one of evict"]);
        check_err("rcu,rcu", None, &["item 2", "one rcu"]);
        check_err("evict:1", None, &["evict does not take", "evict"]);
        check_err("mf=9x", None, &["not a thread name"]);
        check_err("mf,,rcu", None, &["item 2", "empty"]);
        let e = parse("mf,frob", None).unwrap_err();
        assert!(
            e.as_flag().starts_with("--threads item 2 \"frob\": "),
            "{}",
            e.as_flag()
        );
        check_err("reuse", Some("1"), &["every page is mapped"]);
        check_err("3", Some("2:1,0"), &["pages=", "own index"]);
        let e = Spec::parse(SpecText {
            threads: "mf,fault",
            init: Some("devdax"),
            ..SpecText::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("mf, unbind, rcu"), "{e}");
        let e = Spec::parse(SpecText {
            threads: "mf",
            buckets: Some("12"),
            ..SpecText::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("2, 4, 8"), "{e}");
    }

    #[test]
    fn text_formats_back_in_its_short_form() {
        let s = parse("mf:1, fault:3@1 = w ,trunc", Some("2:0")).unwrap();
        assert_eq!(s.threads_text(), "mf:1,fault:3@1=w,trunc");
        assert_eq!(s.pages_text(), "2:0");
        assert_eq!(parse("mf", Some("3:0,1,2")).unwrap().pages_text(), "3");
        assert_eq!(parse("mf", Some("3:-,-")).unwrap().pages_text(), "3:-");
        assert_eq!(parse("2", Some("3")).unwrap().threads_text(), "2");
    }

    /// The model of `threads` over `pages=2:0` under `variant`.
    fn model_of(threads: &str, variant: crate::Variant) -> Model {
        parse(threads, None).unwrap().model(Options::new(variant))
    }

    /// Step thread `name` alone until it finishes; no step may violate anything.
    fn run_alone(m: &Model, w: &mut crate::World, name: &str) {
        let tid = m.tid(name).unwrap();
        while w.thread(tid).result.is_none() {
            let e = m.step(w, tid).expect("runnable");
            assert_eq!(e.violation, None, "{name} at {:?}", e.line);
        }
    }

    #[test]
    fn inval_keeps_an_entry_writeback_tagged_towrite_and_trunc_deletes_it() {
        use crate::world::entry_flags::TOWRITE;
        for v in crate::Variant::ALL {
            // Before `wb` runs, fsync has tagged the entry TOWRITE.
            let m = model_of("wb,inval", v);
            let mut w = m.initial();
            let tagged = |w: &crate::World| w.inode(Addr(0)).lookup(0).map(|e| e.flags & TOWRITE);
            assert_eq!(tagged(&w), Some(TOWRITE), "{v}");
            run_alone(&m, &mut w, "inval");
            // __dax_invalidate_mapping_entry(..., false) returned 0: the entry stays, still
            // mapped by its page.
            assert_eq!(tagged(&w), Some(TOWRITE), "{v}");
            assert_eq!(w.page(Pfn(0)).mapping, Some(Addr(0)), "{v}");
            // The same state under truncate: `trunc` is true, so the tag does not matter.
            let m = model_of("wb,trunc", v);
            let mut w = m.initial();
            assert_eq!(tagged(&w), Some(TOWRITE), "{v}");
            run_alone(&m, &mut w, "trunc");
            assert_eq!(tagged(&w), None, "{v}");
            assert_eq!(w.page(Pfn(0)).mapping, None, "{v}");
        }
    }

    #[test]
    fn inval_deletes_an_untagged_entry_as_truncate_does() {
        for v in crate::Variant::ALL {
            let m = model_of("inval", v);
            assert!(matches!(
                m.threads()[0].program,
                Program::Invalidate { ref indices, .. } if indices == &[0]
            ));
            let mut w = m.initial();
            assert!(w.inode(Addr(0)).lookup(0).is_some(), "{v}");
            run_alone(&m, &mut w, "inval");
            assert!(w.inode(Addr(0)).lookup(0).is_none(), "{v}");
            assert_eq!(w.page(Pfn(0)).mapping, None, "{v}");
            // And after writeback has cleaned the entry, invalidation deletes it too.
            let m = model_of("wb,inval", v);
            let mut w = m.initial();
            run_alone(&m, &mut w, "wb");
            run_alone(&m, &mut w, "inval");
            assert!(w.inode(Addr(0)).lookup(0).is_none(), "{v}");
        }
    }

    #[test]
    fn three_invalidators_behind_an_entry_lock_lose_a_wakeup_until_237388320def() {
        use crate::explore::{Config, explore};
        // The shape of 237388320def's report (parallel invalidate_inode_pages2() on virtiofs):
        // invalidation holds no MMAPLOCK, so all three can wait on one entry lock at once.
        for threads in ["mf,inval,inval,inval", "fault,inval,inval,inval"] {
            let s = parse(threads, None).unwrap();
            assert_eq!(
                s.names(),
                [
                    &threads[..threads.find(',').unwrap()],
                    "inval",
                    "inval2",
                    "inval3"
                ]
            );
            let r = explore(
                &s.model(Options::new(crate::Variant::V419y)),
                Config::default(),
            );
            let found = r.found.expect(threads);
            assert_eq!(
                found.violation.kind,
                crate::ViolationKind::LostWakeup,
                "{threads}"
            );
            let r = explore(
                &s.model(Options::new(crate::Variant::Fixed)),
                Config::default(),
            );
            assert!(r.complete && r.found.is_none(), "{threads}: {:?}", r.found);
        }
    }

    #[test]
    fn inval_text_round_trips_and_stays_apart_from_trunc() {
        let s = parse("inval, inval:0 = b,trunc:0,inval", None).unwrap();
        assert_eq!(s.threads_text(), "inval,inval:0=b,trunc:0,inval");
        assert_eq!(s.names(), ["inval", "b", "trunc", "inval3"]);
        let again = parse(&s.threads_text(), Some(&s.pages_text())).unwrap();
        assert_eq!(again, s);
        let m = s.model(Options::new(crate::Variant::Fixed));
        let kinds: Vec<_> = m.threads().iter().map(|t| t.program.entry()).collect();
        use crate::listing::Func;
        assert_eq!(
            kinds,
            [
                Func::InvalidateInodePages2Range,
                Func::InvalidateInodePages2Range,
                Func::XfsSetattr,
                Func::InvalidateInodePages2Range
            ]
        );
    }

    #[test]
    fn hash_collision_preset_indices_share_a_bucket() {
        let m = Spec::preset("hash-collision")
            .unwrap()
            .model(Options::new(crate::Variant::Fixed));
        assert_eq!(
            m.waitqueue(Addr(0), 0, false).0,
            m.waitqueue(Addr(0), 8, false).0
        );
    }
}
