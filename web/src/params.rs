//! The page's side of the URL contract (`daxlab_core::link`): the lessons and challenges this
//! front end offers, and the parse that knows them.

pub use daxlab_core::link::{
    DEFAULT_SCENARIO, DEFAULT_SPEED, NAMES, Params, SEED_ACCEPTED, SPEED_RANGE, accepted_scenarios,
    accepted_variants, format,
};

/// Every lesson's, challenge's and exercise's name: what `lesson=`, `challenge=` and
/// `exercise=` accept.
pub fn catalog() -> daxlab_core::link::Catalog<'static> {
    static LESSONS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    static CHALLENGES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    static EXERCISES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    daxlab_core::link::Catalog {
        lessons: LESSONS.get_or_init(crate::lessons::lesson_names),
        challenges: CHALLENGES
            .get_or_init(|| crate::lessons::CHALLENGES.iter().map(|c| c.name).collect()),
        exercises: EXERCISES.get_or_init(daxlab_core::teach::exercise::names),
    }
}

/// Parse a query string against this page's lessons and challenges.
pub fn parse(query: &str) -> (Params, Vec<String>) {
    daxlab_core::link::parse(query, &catalog())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_accepts_its_own_lessons_and_challenges_and_names_them_when_wrong() {
        let (p, e) = parse("?lesson=why-recheck&challenge=deadlock");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p.lesson, Some("why-recheck"));
        let (_, e) = parse("?lesson=nope&challenge=nope");
        assert!(
            e[0].contains("lesson=\"nope\"") && e[0].contains("why-recheck"),
            "{e:?}"
        );
        assert!(
            e[1].contains("challenge=\"nope\"") && e[1].contains("deadlock"),
            "{e:?}"
        );
    }
}
