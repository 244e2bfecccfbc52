//! The scenario builder: add and remove threads, choose pages, the wait table and the initial
//! state, and see the scenario at once. It writes nothing of its own: every edit becomes the
//! scenario grammar's text (`threads=`, `pages=`, `buckets=`, `init=`, see
//! `daxlab_core::scenario::text`), which the core parses; a scenario that parses is loaded (and
//! so lands in the URL like any other), one that does not shows the grammar's own message and
//! leaves the view as it was.

use daxlab_core::scenario::text::{
    MAX_NAME_LEN, MAX_SPEC_PAGES, Path, Spec, SpecError, SpecText, init_text, thread_names,
};
use daxlab_core::world::MAX_THREADS;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// One thread row as the student typed it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The kernel path.
    pub path: Path,
    /// Its argument (a pfn for `mf`, a file index for the rest), or "" for the default.
    pub arg: String,
    /// The page after `@` (`fault`, `reuse`), or "".
    pub pfn: String,
    /// The thread's name, or "" for the default.
    pub name: String,
}

/// What the builder shows: rows and fields as text, so a half-typed value stays on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// The threads.
    pub rows: Vec<Row>,
    /// Per page from page 0: the file index it is mapped at, or "" for a page not mapped.
    pub pages: Vec<String>,
    /// The wait table's size.
    pub buckets: u8,
    /// `init=devdax`.
    pub devdax: bool,
    /// `init=reused`.
    pub reused: bool,
}

/// Whether `path` takes an argument (`mf:PFN`, `fault:INDEX`…).
pub fn takes_arg(path: Path) -> bool {
    path.usage().contains(':')
}

/// Whether `path` takes a page after `@`.
pub fn takes_pfn(path: Path) -> bool {
    path.usage().contains('@')
}

/// What a path does, for its picker.
fn path_title(path: Path) -> &'static str {
    match path {
        Path::Mf => "memory_failure() on a page (argument: the pfn)",
        Path::Fault => "a DAX fault on a file index, under the MMAPLOCK",
        Path::Trunc => "truncate of one index (default: every mapped index)",
        Path::Inval => "invalidation of one file index",
        Path::Wb => "fsync's writeback of a mapped index (tags it TOWRITE)",
        Path::Evict => "the last iput(): the inode is evicted and freed after a grace period",
        Path::Reuse => "eviction, then the inode's memory reused for another file",
        Path::Unbind => "the device teardown",
        Path::Rcu => "the RCU grace-period machinery",
    }
}

/// Wait-table sizes the model accepts.
pub const BUCKETS: [u8; 6] = [2, 4, 8, 16, 32, 64];

impl Draft {
    /// The draft showing `spec` (a scaled scenario is shown as its threads, named).
    pub fn of(spec: &Spec) -> Draft {
        let num = |n: Option<u16>| n.map_or_else(String::new, |n| n.to_string());
        Draft {
            rows: spec
                .thread_list()
                .into_iter()
                .map(|t| Row {
                    path: t.path,
                    arg: num(t.arg),
                    pfn: num(t.pfn.map(u16::from)),
                    name: t.name.unwrap_or_default(),
                })
                .collect(),
            pages: spec.pages().iter().map(|p| num(*p)).collect(),
            buckets: spec.buckets(),
            devdax: spec.devdax(),
            reused: spec.reused(),
        }
    }

    /// The `threads=` text.
    pub fn threads_text(&self) -> String {
        self.rows
            .iter()
            .map(|r| {
                let mut s = String::from(r.path.word());
                let (arg, pfn) = (r.arg.trim(), r.pfn.trim());
                if takes_arg(r.path) && (!arg.is_empty() || (takes_pfn(r.path) && !pfn.is_empty()))
                {
                    // A page needs its index before it: `fault:0@1`.
                    s.push(':');
                    s.push_str(if arg.is_empty() { "0" } else { arg });
                }
                if takes_pfn(r.path) && !pfn.is_empty() {
                    s.push('@');
                    s.push_str(pfn);
                }
                let name = r.name.trim();
                if !name.is_empty() {
                    s.push('=');
                    s.push_str(name);
                }
                s
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The `pages=` text: the count and, from page 0, each page's index or `-`.
    pub fn pages_text(&self) -> String {
        let map: Vec<&str> = self
            .pages
            .iter()
            .map(|p| match p.trim() {
                "" => "-",
                i => i,
            })
            .collect();
        format!("{}:{}", self.pages.len(), map.join(","))
    }

    /// The `init=` text, if any flag is set.
    pub fn init_text(&self) -> Option<String> {
        init_text(self.devdax, self.reused)
    }

    /// Each thread's name as the grammar would give it (an empty name is the default).
    pub fn names(&self) -> Vec<String> {
        thread_names(self.rows.iter().map(|r| {
            let name = r.name.trim();
            (r.path, (!name.is_empty()).then_some(name))
        }))
    }

    /// The scenario the draft describes, or the grammar's message naming what is wrong.
    pub fn spec(&self) -> Result<Spec, SpecError> {
        let threads = self.threads_text();
        let pages = self.pages_text();
        let buckets = self.buckets.to_string();
        let init = self.init_text();
        Spec::parse(SpecText {
            threads: &threads,
            pages: Some(&pages),
            buckets: Some(&buckets),
            init: init.as_deref(),
        })
    }

    /// Add a thread on `path` (its arguments default).
    pub fn add(&mut self, path: Path) {
        self.rows.push(Row {
            path,
            arg: String::new(),
            pfn: String::new(),
            name: String::new(),
        });
    }

    /// Make the device `n` pages long, keeping the pages it has; a new page i is mapped at
    /// index i when nothing maps that index yet.
    pub fn set_page_count(&mut self, n: usize) {
        let n = n.clamp(1, MAX_SPEC_PAGES);
        self.pages.truncate(n);
        while self.pages.len() < n {
            let i = self.pages.len().to_string();
            let free = !self.pages.iter().any(|p| p.trim() == i);
            self.pages.push(if free { i } else { String::new() });
        }
    }
}

/// One edit in the builder.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Row i runs another path (its arguments are kept when the path takes them).
    Path(usize, Path),
    /// Row i's argument.
    Arg(usize, String),
    /// Row i's page after `@`.
    Pfn(usize, String),
    /// Row i's name.
    Name(usize, String),
    /// Remove row i.
    Remove(usize),
    /// Add a thread on this path.
    Add(Path),
    /// The number of pages.
    PageCount(usize),
    /// Page i's file index ("" not mapped).
    Page(usize, String),
    /// The wait table's size.
    Buckets(u8),
    /// `init=devdax` on or off.
    Devdax(bool),
    /// `init=reused` on or off.
    Reused(bool),
}

impl Draft {
    /// Apply one edit.
    pub fn edit(&mut self, e: Edit) {
        match e {
            Edit::Path(i, p) => {
                if let Some(r) = self.rows.get_mut(i) {
                    r.path = p;
                    if !takes_arg(p) {
                        r.arg.clear();
                    }
                    if !takes_pfn(p) {
                        r.pfn.clear();
                    }
                }
            }
            Edit::Arg(i, s) => {
                if let Some(r) = self.rows.get_mut(i) {
                    r.arg = s;
                }
            }
            Edit::Pfn(i, s) => {
                if let Some(r) = self.rows.get_mut(i) {
                    r.pfn = s;
                }
            }
            Edit::Name(i, s) => {
                if let Some(r) = self.rows.get_mut(i) {
                    r.name = s;
                }
            }
            Edit::Remove(i) => {
                if i < self.rows.len() {
                    self.rows.remove(i);
                }
            }
            Edit::Add(p) => self.add(p),
            Edit::PageCount(n) => self.set_page_count(n),
            Edit::Page(i, s) => {
                if let Some(p) = self.pages.get_mut(i) {
                    *p = s;
                }
            }
            Edit::Buckets(b) => self.buckets = b,
            Edit::Devdax(on) => self.devdax = on,
            Edit::Reused(on) => self.reused = on,
        }
    }
}

/// The builder's properties.
#[derive(Properties, PartialEq)]
pub struct BuilderProps {
    /// The scenario on screen.
    pub spec: Spec,
    /// Load a scenario.
    pub on_build: Callback<Spec>,
    /// Close the builder.
    pub on_close: Callback<()>,
}

fn target_value(e: &Event) -> String {
    let t = e.target();
    if let Some(s) = t
        .clone()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
    {
        return s.value();
    }
    t.and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

fn target_checked(e: &Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

/// The builder panel (`#builder`).
#[function_component(Builder)]
pub fn builder(p: &BuilderProps) -> Html {
    let draft = use_state(|| Draft::of(&p.spec));
    {
        // The scenario changed from outside (the picker, a link, the course notes): show it,
        // unless it is what the draft already says.
        let draft = draft.clone();
        use_effect_with(p.spec.clone(), move |spec| {
            if draft.spec().ok().as_ref() != Some(spec) {
                draft.set(Draft::of(spec));
            }
        });
    }
    let edit = {
        let draft = draft.clone();
        let on_build = p.on_build.clone();
        let shown = p.spec.clone();
        Callback::from(move |e: Edit| {
            let mut d = (*draft).clone();
            d.edit(e);
            if let Ok(spec) = d.spec()
                && spec != shown
            {
                on_build.emit(spec);
            }
            draft.set(d);
        })
    };
    let result = draft.spec();
    // Each thread's name, for the placeholder, as the grammar gives it (also while the draft
    // does not parse).
    let names = draft.names();
    let full = draft.rows.len() >= MAX_THREADS;
    let text = format!(
        "threads={}&pages={}&buckets={}{}",
        draft.threads_text(),
        draft.pages_text(),
        draft.buckets,
        draft
            .init_text()
            .map_or_else(String::new, |i| format!("&init={i}"))
    );
    let rows = draft.rows.iter().enumerate().map(|(i, r)| {
        let on_path = edit.reform(move |e: Event| {
            let w = target_value(&e);
            Edit::Path(i, Path::ALL.into_iter().find(|p| p.word() == w).unwrap_or(Path::Mf))
        });
        let on_arg = edit.reform(move |e: Event| Edit::Arg(i, target_value(&e)));
        let on_pfn = edit.reform(move |e: Event| Edit::Pfn(i, target_value(&e)));
        let on_name = edit.reform(move |e: Event| Edit::Name(i, target_value(&e)));
        let on_remove = edit.reform(move |_| Edit::Remove(i));
        let shown_name = names.get(i).cloned().unwrap_or_default();
        let arg_label = if r.path == Path::Mf { "pfn" } else { "index" };
        html! {
            <li class="builder-thread">
                <select class="builder-path" aria-label={format!("thread {} path", i + 1)} onchange={on_path}>
                    { for Path::ALL.iter().map(|q| html! {
                        <option value={q.word()} selected={*q == r.path} title={path_title(*q)}>{ q.word() }</option>
                    }) }
                </select>
                if takes_arg(r.path) {
                    <label>{ format!(" {arg_label} ") }
                        <input class="builder-arg" type="text" inputmode="numeric" size="3" placeholder="0"
                            value={r.arg.clone()} onchange={on_arg} />
                    </label>
                }
                if takes_pfn(r.path) {
                    <label title="the free page a fault installs when the index is not mapped">{ " on pfn " }
                        <input class="builder-pfn" type="text" inputmode="numeric" size="4" placeholder="auto"
                            value={r.pfn.clone()} onchange={on_pfn} />
                    </label>
                }
                <label>{ " named " }
                    <input class="builder-name" type="text" size="8" maxlength={MAX_NAME_LEN.to_string()}
                        placeholder={shown_name} value={r.name.clone()} onchange={on_name} />
                </label>
                <button class="builder-remove" onclick={on_remove} disabled={draft.rows.len() <= 1}
                    aria-label={format!("remove thread {}", i + 1)} title="Remove this thread">{ "✕" }</button>
            </li>
        }
    });
    let add_path = use_state(|| Path::Fault);
    let on_add_path = {
        let add_path = add_path.clone();
        Callback::from(move |e: Event| {
            let w = target_value(&e);
            if let Some(p) = Path::ALL.into_iter().find(|p| p.word() == w) {
                add_path.set(p);
            }
        })
    };
    let on_add = {
        let p = *add_path;
        edit.reform(move |_| Edit::Add(p))
    };
    let on_pages = edit.reform(|e: Event| Edit::PageCount(target_value(&e).parse().unwrap_or(1)));
    let pages = draft.pages.iter().enumerate().map(|(i, v)| {
        let on_page = edit.reform(move |e: Event| Edit::Page(i, target_value(&e)));
        html! {
            <label class="builder-page">{ format!("pfn {i} at index ") }
                <input class="builder-map" type="text" inputmode="numeric" size="3" placeholder="-"
                    title="the file index this page is mapped at; empty: not mapped (free, or already truncated)"
                    value={v.clone()} onchange={on_page} />
            </label>
        }
    });
    let on_buckets = edit.reform(|e: Event| Edit::Buckets(target_value(&e).parse().unwrap_or(8)));
    let on_devdax = edit.reform(|e: Event| Edit::Devdax(target_checked(&e)));
    let on_reused = edit.reform(|e: Event| Edit::Reused(target_checked(&e)));
    let close = p.on_close.reform(|_| ());
    html! {
        <section id="builder" class="builder" aria-labelledby="builder-title">
            <div class="builder-head">
                // Focused when the builder opens (lib.rs): it opens far down the tab order.
                <h2 id="builder-title" tabindex="-1">{ "Build a scenario" }</h2>
                <button id="builder-close" class="close" onclick={close} aria-label="Close the builder">{ "✕" }</button>
            </div>
            <p class="hint">{ "Every change loads at once and goes into the URL, so the link you share is the scenario you built." }</p>
            <ol id="builder-threads">{ for rows }</ol>
            <p class="builder-add">
                <select id="builder-add-path" aria-label="Path of the thread to add" onchange={on_add_path}>
                    { for Path::ALL.iter().map(|q| html! {
                        <option value={q.word()} selected={*q == *add_path} title={path_title(*q)}>{ q.usage() }</option>
                    }) }
                </select>
                <button id="builder-add" onclick={on_add} disabled={full}
                    title={if full { format!("The model holds at most {MAX_THREADS} threads") } else { "Add a thread on this path".to_string() }}>
                    { "+ Add thread" }
                </button>
                // The limit in words where it applies: a disabled button's tooltip is not shown.
                if full { <span class="muted">{ format!(" The model holds at most {MAX_THREADS} threads.") }</span> }
            </p>
            <p class="builder-pages">
                <label>{ "Pages " }
                    <select id="builder-pages" onchange={on_pages} aria-label="Number of pages">
                        { for (1..=MAX_SPEC_PAGES).map(|n| html! {
                            <option value={n.to_string()} selected={n == draft.pages.len()}>{ n }</option>
                        }) }
                    </select>
                </label>
                { for pages }
            </p>
            <p class="builder-init">
                <label>{ "Wait table " }
                    <select id="builder-buckets" onchange={on_buckets} aria-label="Wait table buckets">
                        { for BUCKETS.iter().map(|b| html! {
                            <option value={b.to_string()} selected={*b == draft.buckets}>{ format!("{b} buckets") }</option>
                        }) }
                    </select>
                </label>
                <label title="the file is a device-dax character device: its pages point at it, it has no i_pages entries">
                    <input id="builder-devdax" type="checkbox" checked={draft.devdax} onchange={on_devdax} />{ " device-dax" }
                </label>
                <label title="the inode's memory held another inode before">
                    <input id="builder-reused" type="checkbox" checked={draft.reused} onchange={on_reused} />{ " inode memory reused" }
                </label>
            </p>
            <p class="builder-text">{ "As text: " }<code id="builder-text">{ text }</code></p>
            if let Err(e) = &result {
                <p id="builder-error" class="error" role="alert">{ format!("Not loaded: {e}") }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use daxlab_core::scenario::text::PRESETS;

    #[test]
    fn every_preset_round_trips_through_the_draft() {
        for p in PRESETS {
            let spec = Spec::parse(p.text).unwrap();
            assert_eq!(Draft::of(&spec).spec(), Ok(spec), "{}", p.name);
        }
    }

    #[test]
    fn a_scaled_scenario_becomes_its_named_threads() {
        let spec = Spec::parse(SpecText {
            threads: "2",
            pages: Some("2"),
            ..SpecText::default()
        })
        .unwrap();
        let d = Draft::of(&spec);
        assert_eq!(
            d.threads_text(),
            "mf:0=mf1,mf:1=mf2,fault:0=fault1,fault:1=fault2,evict=evict,rcu=rcu"
        );
        assert_eq!(d.spec().unwrap().names(), spec.names());
    }

    #[test]
    fn edits_build_the_grammar_text() {
        let mut d = Draft::of(&Spec::preset("self-deadlock").unwrap());
        d.edit(Edit::Add(Path::Inval));
        d.edit(Edit::Arg(2, "1".into()));
        d.edit(Edit::PageCount(3));
        d.edit(Edit::Name(1, "writer".into()));
        d.edit(Edit::Buckets(16));
        assert_eq!(d.threads_text(), "mf,fault=writer,inval:1");
        assert_eq!(d.pages_text(), "3:0,-,2");
        let spec = d.spec().unwrap();
        assert_eq!(spec.buckets(), 16);
        assert_eq!(spec.names(), ["mf", "writer", "inval"]);
        assert_eq!(d.names(), spec.names());
        // A page without its index still parses (the index defaults to 0).
        d.edit(Edit::Add(Path::Fault));
        d.edit(Edit::Pfn(3, "1".into()));
        assert_eq!(d.threads_text(), "mf,fault=writer,inval:1,fault:0@1");
        // Another path drops the arguments it does not take.
        d.edit(Edit::Path(3, Path::Evict));
        assert_eq!(d.threads_text(), "mf,fault=writer,inval:1,evict");
    }

    #[test]
    fn a_bad_edit_names_the_item_and_what_is_accepted() {
        let mut d = Draft::of(&Spec::preset("self-deadlock").unwrap());
        d.edit(Edit::Arg(0, "7".into()));
        let e = d.spec().unwrap_err();
        assert_eq!((e.param, e.item), ("threads", Some(1)));
        assert!(e.to_string().contains("\"mf:7\""), "{e}");
        assert_eq!(d.names(), ["mf", "fault"]);
        d.edit(Edit::Arg(0, "0".into()));
        d.edit(Edit::Name(1, "mf".into()));
        let e = d.spec().unwrap_err().to_string();
        assert!(e.contains("also the name of item 1"), "{e}");
        for _ in 0..MAX_THREADS {
            d.edit(Edit::Add(Path::Rcu));
        }
        let e = d.spec().unwrap_err().to_string();
        assert!(e.contains(&MAX_THREADS.to_string()), "{e}");
    }
}
