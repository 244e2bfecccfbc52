//! The explorer off the page's thread: the protocol between the page and the search worker
//! (`bin/daxlab-worker.rs`, built by trunk as a Web Worker with its own wasm), and the worker's
//! side of it. Messages are query strings, parsed with the URL code the page already has.
//!
//! page → worker: the search (scenario, variant, truncate wake, scale, reduction, bound);
//! worker → page: `ready`, then `progress` every ~100 ms, then `done` with the verdict.
//! Cancelling terminates the worker.

use daxlab_core::explore::{Config, Reduction, Search, Serial};
use daxlab_core::link::{self, Params};
use daxlab_core::{Model, Options, scenario, schedule};

/// The browser search stops here (the built-in scenarios need under 40 000 states unreduced).
pub const SEARCH_MAX_STATES: u64 = 2_000_000;
/// States per slice between progress messages (and, in the page, between frames).
pub const WORKER_SLICE: usize = 20_000;

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

/// The search the page asks for: `model`'s search from its initial world. The scenario, its
/// text, variant, fixes and truncate wake travel as the page's own URL parameters
/// (`daxlab_core::link`), then the reduction and the bound.
pub fn request(model: &Model) -> String {
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
        .filter(|(k, _)| k != "reduction" && k != "max_states")
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
    Ok((
        model,
        Config {
            max_states,
            reduction,
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

/// Serve one request to its end (the worker's side): `post` gets a progress message every
/// `every_ms` of `now()` and the outcome.
pub fn serve(msg: &str, now: &dyn Fn() -> f64, every_ms: f64, post: &mut dyn FnMut(Reply)) {
    let (model, config) = match parse_request(msg) {
        Ok(x) => x,
        Err(e) => return post(Reply::Error(e)),
    };
    let t0 = now();
    let mut last = t0;
    let mut search = Search::new(model.clone(), config);
    let result = loop {
        if let Some(r) = search.run(WORKER_SLICE, &Serial) {
            break r.clone();
        }
        let t = now();
        if t - last >= every_ms {
            last = t;
            post(Reply::Progress(Progress {
                states: search.states(),
                depth: search.depth(),
                states_per_second: search.states() as f64 / ((t - t0) / 1000.0).max(1e-9),
            }));
        }
    };
    post(Reply::Done(Verdict {
        states: result.states,
        complete: result.complete,
        millis: now() - t0,
        reduction: result.reduction,
        found: result.found.map(|f| {
            (
                f.violation.kind.name().to_string(),
                schedule::format(&f.schedule, &model),
            )
        }),
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use daxlab_core::Variant;

    #[test]
    fn a_request_served_replies_with_a_replayable_schedule() {
        let model = scenario("lost-wakeup")
            .unwrap()
            .model(Options::new(Variant::ExclusiveWait));
        let req = request(&model);
        let mut replies = Vec::new();
        let clock = std::cell::Cell::new(0.0);
        let now = || {
            clock.set(clock.get() + 50.0);
            clock.get()
        };
        serve(&req, &now, 0.0, &mut |r| replies.push(r.encode()));
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
    fn a_request_carries_the_scenario_text_and_the_fixes_and_a_bad_one_says_why() {
        // A scenario written as text (the scaled freed-inode) travels as its text.
        let (p, e) = link::parse(
            "?scenario=freed-inode&threads=2&pages=1&variant=fixed",
            &link::Catalog::default(),
        );
        assert!(e.is_empty(), "{e:?}");
        let model = p.spec.unwrap().model(Options::new(Variant::Fixed));
        let (m, c) = parse_request(&request(&model)).unwrap();
        assert_eq!(m.threads().len(), model.threads().len());
        assert_eq!(m.scenario_text(), model.scenario_text());
        assert_eq!(c.reduction, Reduction::PorSymmetry);
        // A built-in under toggled fixes is searched under exactly that code, unreduced.
        let code = Variant::V419.code().with_fixes("c93db7bb6ef3").unwrap();
        let model = scenario("lost-wakeup").unwrap().model(Options {
            code: Some(code),
            ..Options::new(Variant::V419)
        });
        let (m, c) = parse_request(&request(&model)).unwrap();
        assert_eq!(m.code(), model.code());
        assert_eq!(c.reduction, Reduction::None);
        let mut replies = Vec::new();
        serve("scenario=nope", &|| 0.0, 0.0, &mut |r| replies.push(r));
        assert!(matches!(&replies[0], Reply::Error(e) if e.contains("nope")));
    }
}
