//! The explorer off the page's thread: the protocol between the page and the search worker
//! (`bin/daxlab-worker.rs`, built by trunk as a Web Worker with its own wasm), and the worker's
//! side of it. Messages are query strings, parsed with the URL code the page already has.
//!
//! page → worker: the search (scenario, variant, truncate wake, scale, reduction, bound);
//! worker → page: `ready`, then `progress` every ~100 ms, then `done` with the verdict.
//! page → worker, while it searches: [`PAUSE`] when the student steps (the worker searches in
//! ticks of [`TICK_MS`] and sleeps [`PAUSE_MS`] after a hint). Cancelling terminates the worker.

use daxlab_core::explore::{Config, Exploration, Reduction, Search, Serial};
use daxlab_core::link::{self, Params};
use daxlab_core::{Model, Options, ViolationKind, scenario, schedule};

/// The browser search stops here (the built-in scenarios need under 40 000 states unreduced).
pub const SEARCH_MAX_STATES: u64 = 2_000_000;

/// How the search is cut down: built-in scenarios are searched whole (shortest counterexample),
/// scenarios written as text (`threads=`, including the scaled freed-inode) with partial-order
/// reduction and symmetry.
pub fn reduction_for(model: &Model) -> Reduction {
    if model.scenario_text().is_empty() {
        Reduction::None
    } else {
        Reduction::PorSymmetry
    }
}

/// The search the page asks for: `model`'s search from its initial world, for any violation or
/// only `target`. The scenario, its text, variant, fixes and truncate wake travel as the
/// page's own URL parameters (`daxlab_core::link`), then the reduction, the bound and the
/// target.
pub fn request(model: &Model, target: Option<ViolationKind>) -> String {
    let (truncate, fixes) = link::code_params(model);
    let query = link::format(&Params {
        scenario: scenario(model.scenario()).map_or(link::DEFAULT_SCENARIO, |s| s.name),
        spec: link::spec_of(model),
        variant: Some(model.variant()),
        truncate,
        fixes,
        ..Params::default()
    });
    let mut s = form_urlencoded::Serializer::new(query.trim_start_matches('?').to_string());
    s.append_pair("reduction", reduction_for(model).name());
    s.append_pair("max_states", &SEARCH_MAX_STATES.to_string());
    if let Some(k) = target {
        s.append_pair("target", k.name());
    }
    s.finish()
}

fn pairs(msg: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(msg.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn get<'a>(p: &'a [(String, String)], key: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The model and search configuration a request names.
pub fn parse_request(msg: &str) -> Result<(Model, Config), String> {
    let all = pairs(msg);
    let mut rest = form_urlencoded::Serializer::new(String::from("?"));
    for (k, v) in all
        .iter()
        .filter(|(k, _)| !["reduction", "max_states", "target"].contains(&k.as_str()))
    {
        rest.append_pair(k, v);
    }
    let (p, errors) = link::parse(&rest.finish(), &link::Catalog::default());
    if let Some(e) = errors.first() {
        return Err(e.clone());
    }
    let variant = p.variant.ok_or("the request names no variant")?;
    let options = Options {
        variant,
        code: match p.fixes.as_deref() {
            Some(f) => Some(variant.code().with_fixes(f).map_err(|e| e.to_string())?),
            None => None,
        },
        truncate_wake: p.truncate,
    };
    let model = match &p.spec {
        Some(spec) => spec.model(options),
        None => scenario(p.scenario)
            .ok_or_else(|| format!("unknown scenario {:?}", p.scenario))?
            .model(options),
    };
    let reduction = get(&all, "reduction")
        .and_then(|r| r.parse::<Reduction>().ok())
        .unwrap_or_default();
    let max_states = get(&all, "max_states")
        .and_then(|v| v.parse().ok())
        .unwrap_or(SEARCH_MAX_STATES);
    let target = match get(&all, "target") {
        Some(t) => Some(
            t.parse::<ViolationKind>()
                .map_err(|_| format!("unknown violation kind {t:?}"))?,
        ),
        None => None,
    };
    Ok((
        model,
        Config {
            max_states,
            reduction,
            target,
            ..Config::default()
        },
    ))
}

/// How far a search has come.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Distinct states so far.
    pub states: u64,
    /// The depth being expanded.
    pub depth: u32,
    /// States per second so far.
    pub states_per_second: f64,
}

/// How a search ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Distinct states visited.
    pub states: u64,
    /// The whole bounded state space was searched.
    pub complete: bool,
    /// How long it took.
    pub millis: f64,
    /// The reduction used.
    pub reduction: Reduction,
    /// The violation found: its kind's name and the schedule text reaching it.
    pub found: Option<(String, String)>,
}

impl Progress {
    /// How far `search` has come after `secs` seconds.
    pub fn of(search: &Search, secs: f64) -> Progress {
        Progress {
            states: search.states(),
            depth: search.depth(),
            states_per_second: search.states() as f64 / secs,
        }
    }
}

impl Verdict {
    /// How the search of `model` that gave `result` ended, after `millis`.
    pub fn of(result: &Exploration, model: &Model, millis: f64) -> Verdict {
        Verdict {
            states: result.states,
            complete: result.complete,
            millis,
            reduction: result.reduction,
            found: result.found.as_ref().map(|f| {
                (
                    f.violation.kind.name().to_string(),
                    schedule::format(&f.schedule, model),
                )
            }),
        }
    }
}

/// A message from the worker, parsed.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The worker is listening.
    Ready,
    /// Progress.
    Progress(Progress),
    /// The end.
    Done(Verdict),
    /// The request could not be served.
    Error(String),
}

impl Reply {
    /// The message text.
    pub fn encode(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        match self {
            Reply::Ready => {
                s.append_pair("ready", "1");
            }
            Reply::Progress(p) => {
                s.append_pair("progress", "1");
                s.append_pair("states", &p.states.to_string());
                s.append_pair("depth", &p.depth.to_string());
                s.append_pair("rate", &format!("{:.0}", p.states_per_second));
            }
            Reply::Done(o) => {
                s.append_pair("done", "1");
                s.append_pair("states", &o.states.to_string());
                s.append_pair("complete", if o.complete { "1" } else { "0" });
                s.append_pair("millis", &format!("{:.1}", o.millis));
                s.append_pair("reduction", o.reduction.name());
                if let Some((kind, sched)) = &o.found {
                    s.append_pair("kind", kind);
                    s.append_pair("schedule", sched);
                }
            }
            Reply::Error(e) => {
                s.append_pair("error", e);
            }
        }
        s.finish()
    }

    /// Parse a message; `None` for anything else.
    pub fn decode(msg: &str) -> Option<Reply> {
        let p = pairs(msg);
        let n = |k: &str| {
            get(&p, k)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        if get(&p, "ready").is_some() {
            Some(Reply::Ready)
        } else if get(&p, "progress").is_some() {
            Some(Reply::Progress(Progress {
                states: n("states") as u64,
                depth: n("depth") as u32,
                states_per_second: n("rate"),
            }))
        } else if get(&p, "done").is_some() {
            Some(Reply::Done(Verdict {
                states: n("states") as u64,
                complete: get(&p, "complete") == Some("1"),
                millis: n("millis"),
                reduction: get(&p, "reduction")
                    .and_then(|r| r.parse().ok())
                    .unwrap_or_default(),
                found: get(&p, "kind")
                    .zip(get(&p, "schedule"))
                    .map(|(k, s)| (k.to_string(), s.to_string())),
            }))
        } else {
            get(&p, "error").map(|e| Reply::Error(e.to_string()))
        }
    }
}

/// The page's hint to the worker that the student is stepping: the worker leaves the
/// processor to the page for [`PAUSE_MS`]. On a 2-core machine a worker searching flat out
/// competes with the page's own render and raster threads; yielding brings a step during a
/// search close to one without (see the README's figures). Hints during a pause lengthen it up to [`MAX_PAUSE_MS`]:
/// a student stepping without a break still lets the search run a tick a second, and it runs
/// at full speed again once they stop.
pub const PAUSE: &str = "pause";
/// How long one pause hint holds the search (a step renders in well under this).
pub const PAUSE_MS: f64 = 100.0;
/// The longest pause in a row, however often the hints come.
pub const MAX_PAUSE_MS: f64 = 1000.0;
/// How long the worker searches before it returns to its event loop, where a pause hint can
/// arrive.
pub const TICK_MS: f64 = 12.0;
/// States between two looks at the clock within a tick.
const TICK_STATES: usize = 500;

/// When the worker may search, from the page's pause hints (`Date.now()` milliseconds).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pauses {
    until: f64,
    began: f64,
}

impl Pauses {
    /// A pause hint arrived at `t`. Each hint lengthens the pause to `PAUSE_MS` after it, up
    /// to `MAX_PAUSE_MS` in a row: then the pause runs out, a tick runs, and the next hint
    /// starts a new pause.
    pub fn hint(&mut self, t: f64) {
        if t >= self.until {
            self.began = t;
        }
        if t - self.began < MAX_PAUSE_MS {
            self.until = t + PAUSE_MS;
        }
    }

    /// How long the worker must still wait at `t` before it searches (0 when it may).
    pub fn wait(&self, t: f64) -> f64 {
        (self.until - t).max(0.0)
    }
}

/// One request being served (the worker's side), a tick at a time.
pub struct Serving {
    model: Model,
    search: Search,
    t0: f64,
    last: f64,
    every_ms: f64,
}

impl Serving {
    /// Start serving `msg`; the error reply when it is not a search request.
    pub fn start(msg: &str, now: f64, every_ms: f64) -> Result<Serving, Reply> {
        let (model, config) = parse_request(msg).map_err(Reply::Error)?;
        Ok(Serving {
            search: Search::new(model.clone(), config),
            model,
            t0: now,
            last: now,
            every_ms,
        })
    }

    /// Search until `budget_ms` of `now()` has passed (at least one slice), posting progress
    /// every `every_ms`. True when the search has ended and its outcome is posted.
    pub fn tick(
        &mut self,
        now: &dyn Fn() -> f64,
        budget_ms: f64,
        post: &mut dyn FnMut(Reply),
    ) -> bool {
        let start = now();
        loop {
            if let Some(r) = self.search.run(TICK_STATES, &Serial) {
                let verdict = Verdict::of(r, &self.model, now() - self.t0);
                post(Reply::Done(verdict));
                return true;
            }
            let t = now();
            if t - self.last >= self.every_ms {
                self.last = t;
                let secs = ((t - self.t0) / 1000.0).max(1e-9);
                post(Reply::Progress(Progress::of(&self.search, secs)));
            }
            if t - start >= budget_ms {
                return false;
            }
        }
    }
}

/// Serve one request to its end without yielding, as the worker would (for tests; a page
/// without a worker searches in `AppState`'s own ticks):
/// `post` gets a progress message every `every_ms` of `now()` and the outcome.
pub fn serve(msg: &str, now: &dyn Fn() -> f64, every_ms: f64, post: &mut dyn FnMut(Reply)) {
    match Serving::start(msg, now(), every_ms) {
        Ok(mut s) => while !s.tick(now, f64::INFINITY, post) {},
        Err(e) => post(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use daxlab_core::Variant;

    /// lost-wakeup under exclusive-wait (a search that finds its bug) and its request.
    fn lost_wakeup_request() -> (Model, String) {
        let model = scenario("lost-wakeup")
            .unwrap()
            .model(Options::new(Variant::ExclusiveWait));
        let req = request(&model, None);
        (model, req)
    }

    /// A clock that moves `step` ms each time it is read.
    fn ticking(step: f64) -> impl Fn() -> f64 {
        let clock = std::cell::Cell::new(0.0);
        move || {
            clock.set(clock.get() + step);
            clock.get()
        }
    }

    #[test]
    fn a_request_served_replies_with_a_replayable_schedule() {
        let (model, req) = lost_wakeup_request();
        let mut replies = Vec::new();
        serve(&req, &ticking(50.0), 0.0, &mut |r| replies.push(r.encode()));
        let last = Reply::decode(replies.last().unwrap()).unwrap();
        let Reply::Done(o) = last else {
            panic!("{last:?}")
        };
        let (kind, sched) = o.found.expect("found");
        assert_eq!(kind, "lost-wakeup");
        let mut session = daxlab_core::Session::new(model);
        session.run_text(&sched).expect("replays");
        assert!(
            replies[..replies.len() - 1]
                .iter()
                .all(|m| matches!(Reply::decode(m), Some(Reply::Progress(_))))
        );
    }

    #[test]
    fn ticks_end_in_the_verdict_serve_gives() {
        let (_, req) = lost_wakeup_request();
        let mut whole = Vec::new();
        serve(&req, &|| 0.0, 1e9, &mut |r| whole.push(r));
        // A clock that moves 1 ms per look: a 3 ms budget ends a tick after a few slices.
        let now = ticking(1.0);
        let mut s = Serving::start(&req, 0.0, 1e9).unwrap();
        let (mut ticks, mut replies) = (1, Vec::new());
        while !s.tick(&now, 3.0, &mut |r| replies.push(r)) {
            ticks += 1;
        }
        assert!(ticks > 1, "one tick did it all");
        let (Some(Reply::Done(a)), Some(Reply::Done(b))) = (whole.last(), replies.last()) else {
            panic!("no verdict")
        };
        assert_eq!((a.states, &a.found), (b.states, &b.found));
    }

    #[test]
    fn pause_hints_hold_the_search_but_never_for_more_than_a_second_in_a_row() {
        let mut p = Pauses::default();
        assert_eq!(p.wait(0.0), 0.0);
        p.hint(1000.0);
        assert_eq!(p.wait(1000.0), PAUSE_MS);
        assert_eq!(p.wait(1000.0 + PAUSE_MS), 0.0);
        // A hint every 10 ms: the pause lengthens, then runs out MAX_PAUSE_MS after it began.
        let mut p = Pauses::default();
        let mut t = 0.0;
        let mut free = None;
        while t < 3000.0 {
            if p.wait(t) == 0.0 && t > 0.0 {
                free = Some(t);
                break;
            }
            p.hint(t);
            t += 10.0;
        }
        let free = free.expect("the search ran again");
        assert!(
            (MAX_PAUSE_MS..=MAX_PAUSE_MS + PAUSE_MS + 10.0).contains(&free),
            "{free}"
        );
        // The next hint pauses again.
        p.hint(free);
        assert_eq!(p.wait(free), PAUSE_MS);
    }

    #[test]
    fn a_request_carries_the_scenario_text_and_the_fixes_and_a_bad_one_says_why() {
        // A scenario written as text (the scaled freed-inode) travels as its text.
        let (p, e) = link::parse(
            "?scenario=freed-inode&threads=2&pages=1&variant=fixed",
            &link::Catalog::default(),
        );
        assert!(e.is_empty(), "{e:?}");
        let model = p.spec.unwrap().model(Options::new(Variant::Fixed));
        let (m, c) = parse_request(&request(&model, None)).unwrap();
        assert_eq!(m.threads().len(), model.threads().len());
        assert_eq!(m.scenario_text(), model.scenario_text());
        assert_eq!(c.reduction, Reduction::PorSymmetry);
        // A built-in under toggled fixes is searched under exactly that code, unreduced.
        let code = Variant::V419.code().with_fixes("c93db7bb6ef3").unwrap();
        let model = scenario("lost-wakeup").unwrap().model(Options {
            code: Some(code),
            ..Options::new(Variant::V419)
        });
        let (m, c) = parse_request(&request(&model, None)).unwrap();
        assert_eq!(m.code(), model.code());
        assert_eq!(c.reduction, Reduction::None);
        let mut replies = Vec::new();
        serve("scenario=nope", &|| 0.0, 0.0, &mut |r| replies.push(r));
        assert!(matches!(&replies[0], Reply::Error(e) if e.contains("nope")));
        // One kind only: the target travels, and a kind the core does not know is refused.
        let (_, c) = parse_request(&request(&model, Some(ViolationKind::UseAfterFree))).unwrap();
        assert_eq!(c.target, Some(ViolationKind::UseAfterFree));
        assert_eq!(
            parse_request(&request(&model, None)).unwrap().1.target,
            None
        );
        let bad = format!("{}&target=crash", request(&model, None));
        assert!(parse_request(&bad).is_err_and(|e| e.contains("\"crash\"")));
    }
}
