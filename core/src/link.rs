//! The URL contract: the page's query string is its scripting interface (`?scenario=&variant=
//! &fixes=&truncate=&schedule=&step=&seed=&autoplay=&speed=&embed=&lesson=&lesson_step=
//! &challenge=&exercise=&compare=&teacher=`, and a scenario as text: `threads=&pages=&buckets=
//! &init=`, see [`crate::scenario::text`]), and the CLI prints replay links in it. One module,
//! used by both, parses and formats it.
//! Parsing never fails: every unknown name or bad value becomes a message naming it, its value
//! and what is accepted, and the rest loads with defaults.

use crate::scenario::text::{Spec, SpecText};
use crate::scenario::{SCENARIOS, scenario};
use crate::variant::{Variant, WakeMode};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// Every parameter the page understands, in the order the URL writes them.
pub const NAMES: [&str; 20] = [
    "scenario",
    "threads",
    "pages",
    "buckets",
    "init",
    "variant",
    "fixes",
    "truncate",
    "schedule",
    "step",
    "seed",
    "autoplay",
    "speed",
    "embed",
    "lesson",
    "lesson_step",
    "challenge",
    "exercise",
    "compare",
    "teacher",
];

/// The scenario shown when the URL names none.
pub const DEFAULT_SCENARIO: &str = "null-mapping";
/// Play speed when the URL gives none, in steps per second.
pub const DEFAULT_SPEED: f64 = 2.0;
/// What a seed may be, for messages.
pub const SEED_ACCEPTED: &str = "a whole number from 0 to 18446744073709551615";
/// Slowest and fastest play speeds, in steps per second.
pub const SPEED_RANGE: (f64, f64) = (0.25, 20.0);

/// The lessons, challenges and exercises a front end offers, by name: the values `lesson=`,
/// `challenge=` and `exercise=` accept.
#[derive(Clone, Copy, Debug, Default)]
pub struct Catalog<'a> {
    /// Lesson names.
    pub lessons: &'a [&'static str],
    /// Challenge names.
    pub challenges: &'a [&'static str],
    /// Exercise names (`crate::teach::exercise::EXERCISES`).
    pub exercises: &'a [&'static str],
}

/// What the URL asked for, after validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// A built-in scenario's name.
    pub scenario: &'static str,
    /// A scenario as text (`threads=`, `pages=`, `buckets=`, `init=`), shown instead of the
    /// built-in one.
    pub spec: Option<Spec>,
    /// The variant; `None` means the scenario's first story's variant.
    pub variant: Option<Variant>,
    /// The truncate path's wake mode; `None` means the variant's default.
    pub truncate: Option<WakeMode>,
    /// Upstream commits added to (`-`: taken from) the variant's, as `--fixes` text.
    pub fixes: Option<String>,
    /// The schedule text; `None` means the scenario's story (or the seeded run).
    pub schedule: Option<String>,
    /// How many schedule steps to apply; `None` means all of an explicit schedule, none of a
    /// story.
    pub step: Option<usize>,
    /// The seed of a random run.
    pub seed: Option<u64>,
    /// Start playing on load.
    pub autoplay: bool,
    /// Play speed in steps per second.
    pub speed: f64,
    /// Compact layout for an iframe.
    pub embed: bool,
    /// The lesson shown beside the visualizer.
    pub lesson: Option<&'static str>,
    /// The lesson's step (0-based).
    pub lesson_step: Option<usize>,
    /// The challenge being played.
    pub challenge: Option<&'static str>,
    /// The exercise shown beside the visualizer.
    pub exercise: Option<&'static str>,
    /// Another variant to run the same schedule under, side by side.
    pub compare: Option<Variant>,
    /// The teacher's page (reads a class's progress codes) instead of the visualizer.
    pub teacher: bool,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            scenario: DEFAULT_SCENARIO,
            spec: None,
            variant: None,
            truncate: None,
            fixes: None,
            schedule: None,
            step: None,
            seed: None,
            autoplay: false,
            speed: DEFAULT_SPEED,
            embed: false,
            lesson: None,
            lesson_step: None,
            challenge: None,
            exercise: None,
            compare: None,
            teacher: false,
        }
    }
}

/// The built-in scenarios' names, for messages.
pub fn accepted_scenarios() -> String {
    SCENARIOS
        .iter()
        .map(|s| s.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The variants' names, for messages.
pub fn accepted_variants() -> String {
    Variant::ALL
        .iter()
        .map(|v| v.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a yes/no parameter accepts.
const FLAG_ACCEPTED: &str = "1 or 0 (also true/false, yes/no)";

pub use crate::quote::shown;

fn flag(value: &str) -> Option<bool> {
    match value {
        "1" | "true" | "yes" | "" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// Parse a query string (with or without the leading `?`). Returns the parameters and one
/// message per problem.
pub fn parse(query: &str, catalog: &Catalog) -> (Params, Vec<String>) {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut p = Params::default();
    let mut errors = Vec::new();
    // The scenario text's four parameters, read together once all are known.
    let mut text: [Option<String>; 4] = Default::default();
    let mut scenario_given = false;
    // A parameter given twice: the last one understood counts, and the page says so.
    let mut seen: Vec<(alloc::borrow::Cow<str>, alloc::borrow::Cow<str>)> = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let first = seen.iter().find(|(n, _)| *n == name).map(|(_, v)| v.trim());
        let repeated = first.is_some();
        match first {
            Some(first) => errors.push(format!(
                "URL parameter {} is given more than once ({}, then {}); the last one that is understood is used.",
                if name.chars().count() > 80 { shown(&name) } else { name.to_string() },
                shown(first),
                shown(value.trim())
            )),
            None => seen.push((name.clone(), value.clone())),
        }
        let bad = |errors: &mut Vec<String>, name: &str, value: &str, accepted: &str| {
            // What the page does instead, named where it is one value (given before, the
            // earlier value stays if it was understood: the repeat's message says so).
            let instead = match name {
                _ if repeated => String::new(),
                "scenario" => format!(" Showing the default scenario, {DEFAULT_SCENARIO}."),
                "variant" => " Using the variant the view takes without variant= (the Variant \
                    menu names it)."
                    .to_string(),
                "truncate" => " Using the variant's own wake mode.".to_string(),
                "speed" => format!(" Using the default, {DEFAULT_SPEED} steps per second."),
                "autoplay" | "embed" | "teacher" => " Using the default, no.".to_string(),
                "compare" => " Not comparing.".to_string(),
                "step" => " Showing the default: the last step of a schedule or random run \
                    the link gives, else step 0."
                    .to_string(),
                "seed" => " No random run: the scenario's own story, and the seed box holds \
                    the default, 1."
                    .to_string(),
                "lesson" | "challenge" | "exercise" => format!(" No {name} is opened."),
                _ => " Using the default.".to_string(),
            };
            // (Each `instead` brings its own leading space; a repeat's is empty.)
            errors.push(format!(
                "URL parameter {name}={} is not understood; accepted: {accepted}.{instead}",
                shown(value)
            ));
        };
        let value = value.trim();
        match name.as_ref() {
            "scenario" => match scenario(value) {
                Some(s) => {
                    p.scenario = s.name;
                    scenario_given = true;
                }
                None => bad(&mut errors, "scenario", value, &accepted_scenarios()),
            },
            "threads" => text[0] = Some(value.to_string()),
            "pages" => text[1] = Some(value.to_string()),
            "buckets" => text[2] = Some(value.to_string()),
            "init" => text[3] = Some(value.to_string()),
            "variant" => match value.parse::<Variant>() {
                Ok(v) => p.variant = Some(v),
                Err(()) => bad(&mut errors, "variant", value, &accepted_variants()),
            },
            "fixes" => match crate::code::Code::SEED.with_fixes(value) {
                Ok(_) => p.fixes = Some(value.to_string()),
                Err(e) => errors.push(format!(
                    "URL parameter fixes={}: {e}. Using the variant's own fixes.",
                    shown(value)
                )),
            },
            "truncate" => match value.parse::<WakeMode>() {
                Ok(m) => p.truncate = Some(m),
                Err(()) => bad(&mut errors, "truncate", value, "one, all"),
            },
            "schedule" => p.schedule = Some(value.to_string()),
            "step" => match value.parse::<usize>() {
                Ok(n) => p.step = Some(n),
                Err(_) => bad(
                    &mut errors,
                    "step",
                    value,
                    "a whole number of steps, 0 or more",
                ),
            },
            "seed" => match value.parse::<u64>() {
                Ok(n) => p.seed = Some(n),
                Err(_) => bad(&mut errors, "seed", value, SEED_ACCEPTED),
            },
            "autoplay" => match flag(value) {
                Some(b) => p.autoplay = b,
                None => bad(&mut errors, "autoplay", value, FLAG_ACCEPTED),
            },
            "speed" => match value.parse::<f64>() {
                Ok(s) if (SPEED_RANGE.0..=SPEED_RANGE.1).contains(&s) => p.speed = s,
                _ => bad(
                    &mut errors,
                    "speed",
                    value,
                    &format!(
                        "steps per second from {} to {}",
                        SPEED_RANGE.0, SPEED_RANGE.1
                    ),
                ),
            },
            "embed" => match flag(value) {
                Some(b) => p.embed = b,
                None => bad(&mut errors, "embed", value, FLAG_ACCEPTED),
            },
            "lesson" => match catalog.lessons.iter().find(|n| **n == value) {
                Some(n) => p.lesson = Some(n),
                None => bad(&mut errors, "lesson", value, &catalog.lessons.join(", ")),
            },
            "lesson_step" => match value.parse::<usize>() {
                Ok(n) => p.lesson_step = Some(n),
                Err(_) => bad(
                    &mut errors,
                    "lesson_step",
                    value,
                    "a step number of the lesson, counted from 0 (lesson_step=0 is the step the panel calls step 1)",
                ),
            },
            "compare" => match value.parse::<Variant>() {
                Ok(v) => p.compare = Some(v),
                Err(()) => bad(
                    &mut errors,
                    "compare",
                    value,
                    &format!(
                        "a variant whose code differs from the view's (the Compare picker \
                         lists those; every variant: {})",
                        accepted_variants()
                    ),
                ),
            },
            "challenge" => match catalog.challenges.iter().find(|n| **n == value) {
                Some(n) => p.challenge = Some(n),
                None => bad(
                    &mut errors,
                    "challenge",
                    value,
                    &catalog.challenges.join(", "),
                ),
            },
            "exercise" => match catalog.exercises.iter().find(|n| **n == value) {
                Some(n) => p.exercise = Some(n),
                None => bad(
                    &mut errors,
                    "exercise",
                    value,
                    &catalog.exercises.join(", "),
                ),
            },
            "teacher" => match flag(value) {
                Some(b) => p.teacher = b,
                None => bad(&mut errors, "teacher", value, FLAG_ACCEPTED),
            },
            other => errors.push(format!(
                "Unknown URL parameter {} (value {}) is ignored; accepted parameters: {}.",
                shown(other),
                shown(value),
                NAMES.join(", ")
            )),
        }
    }
    if text.iter().any(Option::is_some) {
        let given = SpecText {
            threads: text[0].as_deref().unwrap_or_default(),
            pages: text[1].as_deref(),
            buckets: text[2].as_deref(),
            init: text[3].as_deref(),
        };
        match Spec::parse_over(p.scenario, given, text[0].is_some()) {
            Ok(spec) => {
                let t = text[0].as_deref().unwrap_or_default();
                let bare = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
                if bare && scenario_given && p.scenario != "freed-inode" {
                    errors.push(format!(
                        "URL parameter threads={t:?} is a number: it scales the freed-inode \
                         scenario, not {:?} (give a list of paths, e.g. threads=mf:0,fault:0, \
                         for a race of your own). Showing the scaled freed-inode.",
                        p.scenario
                    ));
                } else if !t.is_empty()
                    && !bare
                    && scenario_given
                    && spec.built_in() != Some(p.scenario)
                {
                    errors.push(format!(
                        "URL parameters scenario={} and threads={} both say which threads run; \
                         threads= is used, and scenario= is ignored (pages=, buckets= and init= \
                         start from their defaults). Give one of them.",
                        p.scenario,
                        shown(t)
                    ));
                }
                p.spec = Some(spec)
            }
            Err(e) => errors.push(format!(
                "URL parameter {e}. Showing the scenario {} instead.",
                p.scenario
            )),
        }
    }
    (p, errors)
}

/// The query string (with `?`) reproducing a view. Defaults are left out to keep links short.
pub fn format(p: &Params) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    match &p.spec {
        Some(spec) => {
            for (name, value) in spec.params() {
                s.append_pair(name, &value);
            }
        }
        None => {
            s.append_pair("scenario", p.scenario);
        }
    }
    if let Some(v) = p.variant {
        s.append_pair("variant", v.name());
    }
    if let Some(f) = &p.fixes {
        s.append_pair("fixes", f);
    }
    if let Some(m) = p.truncate {
        s.append_pair("truncate", m.name());
    }
    if let Some(sched) = &p.schedule {
        s.append_pair("schedule", sched);
    }
    if let Some(n) = p.step {
        s.append_pair("step", &n.to_string());
    }
    if let Some(seed) = p.seed {
        s.append_pair("seed", &seed.to_string());
    }
    if p.autoplay {
        s.append_pair("autoplay", "1");
    }
    if p.speed != DEFAULT_SPEED {
        s.append_pair("speed", &p.speed.to_string());
    }
    if p.embed {
        s.append_pair("embed", "1");
    }
    if let Some(l) = p.lesson {
        s.append_pair("lesson", l);
    }
    if let Some(n) = p.lesson_step {
        s.append_pair("lesson_step", &n.to_string());
    }
    if let Some(c) = p.challenge {
        s.append_pair("challenge", c);
    }
    if let Some(e) = p.exercise {
        s.append_pair("exercise", e);
    }
    if let Some(v) = p.compare {
        s.append_pair("compare", v.name());
    }
    if p.teacher {
        s.append_pair("teacher", "1");
    }
    format!("?{}", s.finish())
}

/// The query that opens `schedule` of `model` in the visualizer (what the CLI prints after a
/// counterexample).
pub fn replay_query(model: &crate::Model, schedule: &str) -> String {
    let (truncate, fixes) = code_params(model);
    format(&Params {
        scenario: scenario(model.scenario()).map_or(DEFAULT_SCENARIO, |s| s.name),
        spec: spec_of(model),
        variant: Some(model.variant()),
        truncate,
        fixes,
        schedule: Some(schedule.into()),
        ..Params::default()
    })
}

/// The scenario text of `model`, when it is not a built-in.
pub fn spec_of(model: &crate::Model) -> Option<Spec> {
    let text = model.scenario_text();
    if text.is_empty() {
        return None;
    }
    let get = |k: &str| text.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
    Spec::parse(SpecText {
        threads: get("threads").unwrap_or_default(),
        pages: get("pages"),
        buckets: get("buckets"),
        init: get("init"),
    })
    .ok()
}

/// The `truncate` and `fixes` parameters that give `model`'s code on top of its variant.
pub fn code_params(model: &crate::Model) -> (Option<WakeMode>, Option<String>) {
    let variant = model.variant();
    let wake = model.truncate_wake();
    let truncate = (wake != variant.default_truncate_wake()).then_some(wake);
    let base = truncate.map_or(variant.code(), |w| w.apply(variant.code()));
    let fixes = model.code().fixes_from(base);
    (truncate, (!fixes.is_empty()).then_some(fixes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn scenario_and_threads_together_are_named() {
        let (p, errors) = parse("?scenario=self-deadlock&threads=mf,fault,trunc");
        assert!(p.spec.is_some());
        assert!(
            errors[0].contains("scenario=self-deadlock and threads=\"mf,fault,trunc\""),
            "{errors:?}"
        );
        // X's own text beside scenario=X is X; a scaled freed-inode names its scenario;
        // pages= alone changes a preset: no message.
        assert!(
            parse("?scenario=null-mapping&threads=mf,fault,trunc")
                .1
                .is_empty()
        );
        assert!(parse("?scenario=freed-inode&threads=3").1.is_empty());
        assert!(parse("?scenario=hash-collision&buckets=16").1.is_empty());
    }

    #[test]
    fn a_long_bad_value_is_cut_in_its_message() {
        let long = "x".repeat(20_000);
        let (_, errors) = parse(&format!("?scenario={long}"));
        assert!(errors[0].len() < 1_000, "{}", errors[0].len());
        assert!(errors[0].contains("(20000 characters)") && errors[0].contains("accepted: "));
        assert_eq!(shown("short"), "\"short\"");
    }

    use super::*;

    const CATALOG: Catalog = Catalog {
        lessons: &["why-recheck"],
        challenges: &["deadlock"],
        exercises: &["object-graph"],
    };
    fn parse(q: &str) -> (Params, Vec<String>) {
        super::parse(q, &CATALOG)
    }

    #[test]
    fn a_replay_link_from_the_cli_parses() {
        let (p, e) = parse(
            "?scenario=self-deadlock&variant=seed&schedule=mf%2A6%2Cfault%2A4%2Cmf%2A7&truncate=one",
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p.scenario, "self-deadlock");
        assert_eq!(p.variant, Some(Variant::Seed));
        assert_eq!(p.truncate, Some(WakeMode::One));
        assert_eq!(p.schedule.as_deref(), Some("mf*6,fault*4,mf*7"));
    }

    #[test]
    fn every_bad_value_is_named_with_what_is_accepted_and_the_rest_loads() {
        let (p, e) = parse(
            "scenario=nope&variant=v9&step=-1&speed=100&embed=maybe&seed=x&autoplay=2&truncate=some&colour=red&schedule=mf",
        );
        assert_eq!(e.len(), 9, "{e:#?}");
        assert!(e[0].contains("scenario=\"nope\"") && e[0].contains("null-mapping"));
        assert!(e[1].contains("variant=\"v9\"") && e[1].contains("v4.19"));
        assert!(
            e[2].contains("step=\"-1\"") && e[2].contains("else step 0."),
            "{}",
            e[2]
        );
        assert!(
            e.iter()
                .any(|m| m.contains("seed=\"x\"") && m.ends_with("holds the default, 1.")),
            "{e:#?}"
        );
        assert!(e[3].contains("speed=\"100\"") && e[3].contains("0.25 to 20"));
        assert!(
            e.iter()
                .any(|m| m.contains("\"colour\"") && m.contains("scenario, threads, pages"))
        );
        assert_eq!(p.scenario, DEFAULT_SCENARIO);
        assert_eq!(p.schedule.as_deref(), Some("mf"));
    }

    #[test]
    fn format_round_trips() {
        let p = Params {
            scenario: "lost-wakeup",
            spec: None,
            variant: Some(Variant::ExclusiveWait),
            truncate: Some(WakeMode::All),
            fixes: Some("c93db7bb6ef3,-d8a706414af4".into()),
            schedule: Some("fault*4,trunc*5".into()),
            step: Some(3),
            seed: Some(42),
            autoplay: true,
            speed: 4.5,
            embed: true,
            lesson: Some("why-recheck"),
            lesson_step: Some(2),
            challenge: Some("deadlock"),
            exercise: Some("object-graph"),
            compare: Some(Variant::Fixed),
            teacher: true,
        };
        let (q, e) = parse(&format(&p));
        assert!(e.is_empty());
        assert_eq!(q, p);
    }

    #[test]
    fn a_replay_query_reopens_the_same_run() {
        let m = scenario("truncate-wakeup").unwrap().model(crate::Options {
            truncate_wake: Some(WakeMode::One),
            ..crate::Options::new(Variant::Fixed)
        });
        let q = replay_query(&m, "fault*4,trunc*5");
        assert_eq!(
            q,
            "?scenario=truncate-wakeup&variant=fixed&truncate=one&schedule=fault*4%2Ctrunc*5"
        );
        let (p, e) = parse(&q);
        assert!(e.is_empty());
        assert_eq!(p.schedule.as_deref(), Some("fault*4,trunc*5"));
        assert_eq!(p.truncate, Some(WakeMode::One));
    }

    #[test]
    fn a_repeated_parameter_is_named_and_a_bad_scenario_says_what_shows_instead() {
        let (p, e) = parse("?scenario=freed-inode&scenario=lost-wakeup");
        assert_eq!(p.scenario, "lost-wakeup");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("scenario is given more than once")
                && e[0].contains("\"freed-inode\", then \"lost-wakeup\"")
                && e[0].contains("the last one that is understood is used"),
            "{e:?}"
        );
        // The last one given is not understood: the earlier stays, and no default is claimed.
        let (p, e) = parse("?scenario=freed-inode&scenario=bogus");
        assert_eq!(p.scenario, "freed-inode");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].contains("the last one that is understood is used"),
            "{e:?}"
        );
        assert!(!e[1].contains("default"), "{e:?}");
        let (p, e) = parse("?scenario=bogus");
        assert_eq!(p.scenario, DEFAULT_SCENARIO);
        assert!(
            e[0].contains(&format!(
                "Showing the default scenario, {DEFAULT_SCENARIO}."
            )),
            "{e:?}"
        );
        let (_, e) = parse("?speed=99");
        assert!(
            e[0].ends_with("Using the default, 2 steps per second."),
            "{e:?}"
        );
    }

    #[test]
    fn compare_takes_a_variant_and_names_a_bad_one() {
        let (p, e) = parse("?scenario=freed-inode&variant=v4.19&compare=fixed");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p.compare, Some(Variant::Fixed));
        let (p, e) = parse("?compare=v5");
        assert_eq!(p.compare, None);
        assert!(
            e[0].contains("compare=\"v5\"") && e[0].contains("fixed"),
            "{e:?}"
        );
    }

    #[test]
    fn an_unknown_commit_is_named_with_the_accepted_ones() {
        let (p, e) = parse("?scenario=lost-wakeup&variant=v4.19&fixes=c93db7bb6ef3,cafe");
        assert_eq!(p.fixes, None);
        assert!(
            e[0].contains("\"cafe\"") && e[0].contains("55e56f06ed71"),
            "{e:?}"
        );
        let m = scenario("lost-wakeup").unwrap().model(crate::Options {
            code: Some(Variant::V419.code().with_fixes("c93db7bb6ef3").unwrap()),
            ..crate::Options::new(Variant::V419)
        });
        let q = replay_query(&m, "wb");
        assert!(q.contains("fixes=c93db7bb6ef3"), "{q}");
    }

    #[test]
    fn a_scenario_as_text_loads_and_round_trips() {
        let (p, e) =
            parse("?threads=mf:0,mf:1,fault:0,fault:1,evict,rcu&pages=2&buckets=16&variant=v4.19");
        assert!(e.is_empty(), "{e:?}");
        let spec = p.spec.clone().expect("a spec");
        assert_eq!(spec.buckets(), 16);
        assert_eq!(
            spec.names(),
            ["mf", "mf2", "fault", "fault2", "evict", "rcu"]
        );
        let q = format(&p);
        assert_eq!(
            q,
            "?threads=mf%3A0%2Cmf%3A1%2Cfault%3A0%2Cfault%3A1%2Cevict%2Crcu&pages=2&buckets=16&variant=v4.19"
        );
        assert_eq!(parse(&q), (p, Vec::new()));
        // Without threads=, the named scenario's preset supplies them.
        let (p, e) = parse("?scenario=hash-collision&buckets=4");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p.spec.unwrap().threads_text(), "fault,fault:8,mf,wb:8");
    }

    #[test]
    fn a_bad_scenario_text_is_named_and_the_rest_loads() {
        let (p, e) = parse("?scenario=freed-inode&threads=mf,frob:2&variant=fixed");
        assert_eq!(p.spec, None);
        assert_eq!(p.scenario, "freed-inode");
        assert_eq!(p.variant, Some(Variant::Fixed));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("threads= item 2"), "{e:?}");
        assert!(
            e[0].contains("\"frob:2\"") && e[0].contains("mf[:PFN]"),
            "{e:?}"
        );
        let (_, e) = parse("?threads=mf,mf,mf,mf,mf,mf,mf,mf,mf,mf,mf,mf,mf");
        assert!(e[0].contains("at most 12 (MAX_THREADS)"), "{e:?}");
        let (_, e) = parse("?threads=mf&pages=2:0,x");
        assert!(
            e[0].contains("pages= item 2") && e[0].contains("\"x\""),
            "{e:?}"
        );
        // A whole value is quoted right after the parameter, as elsewhere (scenario="nope").
        let (_, e) = parse("?threads=99");
        assert!(e[0].starts_with("URL parameter threads=\"99\": "), "{e:?}");
    }

    #[test]
    fn a_replay_query_of_a_custom_scenario_carries_its_text() {
        let (p, _) = parse("?threads=mf:1,fault:0=writer&pages=2:0,-");
        let m = p.spec.unwrap().model(crate::Options::new(Variant::Fixed));
        let q = replay_query(&m, "writer*5,mf");
        let (back, e) = parse(&q);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(back.spec.unwrap().threads_text(), "mf:1,fault:0=writer");
        assert_eq!(back.schedule.as_deref(), Some("writer*5,mf"));
    }

    #[test]
    fn an_unknown_exercise_is_named_with_the_accepted_ones() {
        let (p, e) = parse("?exercise=object-grpah&scenario=inode-reuse");
        assert_eq!(p.exercise, None);
        assert_eq!(p.scenario, "inode-reuse");
        assert_eq!(e.len(), 1);
        assert!(
            e[0].contains("exercise=\"object-grpah\"") && e[0].contains("accepted: object-graph"),
            "{e:?}"
        );
        // The core's own exercises are what a front end offers.
        let names = crate::teach::exercise::names();
        let catalog = Catalog {
            exercises: &names,
            ..Catalog::default()
        };
        for n in &names {
            let (p, e) = super::parse(&format!("?exercise={n}"), &catalog);
            assert!(e.is_empty() && p.exercise == Some(*n), "{n}");
        }
    }

    #[test]
    fn html_in_a_value_stays_text_in_the_message() {
        let (_, e) = parse("scenario=%3Cimg%20src%3Dx%3E");
        assert!(e[0].contains("<img src=x>"));
    }
}
