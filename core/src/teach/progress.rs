//! A student's progress: challenges won (with points, preemptions and hints), predictions
//! answered and answered right, exercises solved. The page keeps it in `localStorage` as
//! [`Progress::to_storage`] text and exports it as a short code ([`Progress::code`]) that a
//! teacher's page reads back ([`decode`]).
//!
//! The code is Crockford base32 with a CRC-16: it catches typos and pasting the wrong thing. It
//! is a record, not a proof — a determined student could forge one.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// How one challenge went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// Won (an unbreakable level: tried and proven).
    pub won: bool,
    /// Best points (0 to 10).
    pub points: u8,
    /// Preemptions in the best win.
    pub preemptions: u8,
    /// The highest hint level taken (0: none, 1 to 4).
    pub hints: u8,
}

/// Everything one student has done.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// By challenge name.
    pub challenges: BTreeMap<String, Record>,
    /// By lesson name: bit per prediction answered, bit per prediction answered right (first
    /// answer only).
    pub predictions: BTreeMap<String, (u32, u32)>,
    /// By lesson name: bit per prediction recorded as not right because its answer was on
    /// screen before it was answered (the step it asks about ran): see [`Progress::peek`].
    pub peeks: BTreeMap<String, u32>,
    /// Names of the exercises solved.
    pub exercises: BTreeSet<String>,
}

/// The code's version.
const VERSION: u8 = 1;
/// Crockford's base32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// What every code starts with.
pub const PREFIX: &str = "DX1";

impl Progress {
    /// Record a win; keeps the best points, and the most hints ever taken on the level (a
    /// replay without hints does not wipe the ones taken before: see [`Progress::hints`]).
    pub fn win(&mut self, challenge: &str, points: u8, preemptions: u8, hints: u8) {
        let r = self.challenges.entry(challenge.to_string()).or_default();
        let better = !r.won || points > r.points;
        r.hints = r.hints.max(hints);
        if better {
            r.points = points;
            r.preemptions = preemptions;
        }
        r.won = true;
    }

    /// Record that a hint of `level` was taken in a challenge not yet won.
    pub fn hint(&mut self, challenge: &str, level: u8) {
        let r = self.challenges.entry(challenge.to_string()).or_default();
        if !r.won {
            r.hints = r.hints.max(level);
        }
    }

    /// The most hints taken on `challenge` so far, in any visit: a win is graded with at least
    /// these, so reloading the page or replaying a level does not undo a hint's cost.
    pub fn hints(&self, challenge: &str) -> u8 {
        self.challenges.get(challenge).map_or(0, |r| r.hints)
    }

    /// Whether `challenge` is won.
    pub fn won(&self, challenge: &str) -> bool {
        self.challenges.get(challenge).is_some_and(|r| r.won)
    }

    /// Record an answer to prediction `index` of `lesson`; only the first answer counts.
    /// Returns whether this was the first.
    pub fn answer(&mut self, lesson: &str, index: usize, right: bool) -> bool {
        if index >= 32 {
            return false;
        }
        let e = self.predictions.entry(lesson.to_string()).or_default();
        let bit = 1u32 << index;
        if e.0 & bit != 0 {
            return false;
        }
        e.0 |= bit;
        if right {
            e.1 |= bit;
        }
        true
    }

    /// Record prediction `index` of `lesson` as answered not right because the step it asks
    /// about ran before it was answered (unless an answer is recorded already). Returns
    /// whether this was the first.
    pub fn peek(&mut self, lesson: &str, index: usize) -> bool {
        let first = self.answer(lesson, index, false);
        if first {
            *self.peeks.entry(lesson.to_string()).or_default() |= 1 << index;
        }
        first
    }

    /// Whether prediction `index` of `lesson` counts as not right because its answer was seen
    /// before it was answered ([`Progress::peek`]).
    pub fn peeked(&self, lesson: &str, index: usize) -> bool {
        let bits = self.peeks.get(lesson).copied().unwrap_or(0);
        1u32.checked_shl(index as u32)
            .is_some_and(|bit| bits & bit != 0)
    }

    /// The first answer to prediction `index` of `lesson`: `Some(right)` once answered.
    pub fn answered(&self, lesson: &str, index: usize) -> Option<bool> {
        let (a, r) = *self.predictions.get(lesson)?;
        let bit = 1u32.checked_shl(index as u32)?;
        (a & bit != 0).then_some(r & bit != 0)
    }

    /// Record a solved exercise.
    pub fn solve(&mut self, exercise: &str) {
        self.exercises.insert(exercise.to_string());
    }

    /// Predictions answered and answered right, over every lesson.
    pub fn prediction_totals(&self) -> (u32, u32) {
        self.predictions.values().fold((0, 0), |(a, r), (x, y)| {
            (a + x.count_ones(), r + y.count_ones())
        })
    }

    /// The level (0-based index into `challenges`) a student may play up to: every level up
    /// to and including the first one not won.
    pub fn unlocked(&self, challenges: &[&str]) -> usize {
        challenges
            .iter()
            .position(|c| !self.won(c))
            .unwrap_or(challenges.len().saturating_sub(1))
    }

    /// Text for `localStorage`: one line per record, readable and forgiving.
    pub fn to_storage(&self) -> String {
        let mut out = String::from("daxlab-progress 1\n");
        for (name, r) in &self.challenges {
            out.push_str(&format!(
                "challenge {name} {} {} {} {}\n",
                r.won as u8, r.points, r.preemptions, r.hints
            ));
        }
        for (name, (a, r)) in &self.predictions {
            // The peeks last, and only when there are some: older pages read the line still.
            match self.peeks.get(name).copied().unwrap_or(0) {
                0 => out.push_str(&format!("predictions {name} {a} {r}\n")),
                p => out.push_str(&format!("predictions {name} {a} {r} {p}\n")),
            }
        }
        for name in &self.exercises {
            out.push_str(&format!("exercise {name}\n"));
        }
        out
    }

    /// Read [`Progress::to_storage`] text; lines it cannot read are skipped and named.
    pub fn from_storage(text: &str) -> (Progress, Vec<String>) {
        let mut p = Progress::default();
        let mut bad = Vec::new();
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let num = |i: usize| f.get(i).and_then(|s| s.parse::<u32>().ok());
            match f.as_slice() {
                ["challenge", name, ..] => match (num(2), num(3), num(4), num(5)) {
                    (Some(w), Some(pt), Some(pr), Some(h)) => {
                        p.challenges.insert(
                            name.to_string(),
                            Record {
                                won: w == 1,
                                points: pt.min(255) as u8,
                                preemptions: pr.min(255) as u8,
                                hints: h.min(4) as u8,
                            },
                        );
                    }
                    _ => bad.push(line.to_string()),
                },
                ["predictions", name, ..] => {
                    // The peeks are optional (lines from before them have none), but a number.
                    let peeks = if f.len() > 4 { num(4) } else { Some(0) };
                    match (num(2), num(3), peeks) {
                        (Some(a), Some(r), Some(peeks)) => {
                            p.predictions.insert(name.to_string(), (a, r & a));
                            // A peek is an answer recorded as not right.
                            let peeks = peeks & a & !r;
                            if peeks != 0 {
                                p.peeks.insert(name.to_string(), peeks);
                            }
                        }
                        _ => bad.push(line.to_string()),
                    }
                }
                ["exercise", name] => {
                    p.exercises.insert(name.to_string());
                }
                _ => bad.push(line.to_string()),
            }
        }
        (p, bad)
    }

    /// The export code, against the page's catalogue of challenges and exercises (their order
    /// is part of the code).
    pub fn code(&self, challenges: &[&str], exercises: &[&str]) -> String {
        let mut b: Vec<u8> = alloc::vec![VERSION, challenges.len() as u8];
        for c in challenges {
            let r = self.challenges.get(*c).copied().unwrap_or_default();
            b.push((r.won as u8) << 7 | (r.hints.min(4)) << 4 | r.points.min(15));
        }
        b.push(exercises.len() as u8);
        let mut mask = alloc::vec![0u8; exercises.len().div_ceil(8)];
        for (i, e) in exercises.iter().enumerate() {
            if self.exercises.contains(*e) {
                mask[i / 8] |= 1 << (i % 8);
            }
        }
        b.extend(mask);
        let (answered, right) = self.prediction_totals();
        b.push(answered.min(255) as u8);
        b.push(right.min(255) as u8);
        let crc = crc16(&b);
        b.extend(crc.to_be_bytes());
        let body = base32(&b);
        let mut out = String::from(PREFIX);
        for chunk in body.as_bytes().chunks(5) {
            out.push('-');
            out.push_str(core::str::from_utf8(chunk).unwrap_or(""));
        }
        out
    }
}

/// What a code says, named against the page's catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Each challenge: name, won, points, highest hint level.
    pub challenges: Vec<(String, bool, u8, u8)>,
    /// The exercises solved.
    pub exercises: Vec<String>,
    /// Predictions answered.
    pub answered: u8,
    /// Predictions answered right.
    pub right: u8,
}

impl Summary {
    /// Challenges won.
    pub fn wins(&self) -> usize {
        self.challenges.iter().filter(|c| c.1).count()
    }
    /// Total points.
    pub fn points(&self) -> u32 {
        self.challenges.iter().map(|c| c.2 as u32).sum()
    }
}

/// Read a code against the page's catalogue. Errors say what is wrong with it.
pub fn decode(code: &str, challenges: &[&str], exercises: &[&str]) -> Result<Summary, String> {
    let text = code.trim();
    let Some(rest) = text
        .get(..PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(PREFIX))
        .map(|_| &text[PREFIX.len()..])
    else {
        return Err(format!(
            "{text:?} is not a daxlab progress code (they start with {PREFIX}-)"
        ));
    };
    let valid = |c: char| matches!(c, '-' | ' ') || digit(c).is_some();
    let b = unbase32(rest).ok_or_else(|| {
        if rest.chars().all(valid) {
            // Only the last character's padding, or a character too many, can be wrong here.
            format!("{text:?} fails its checksum: a character was mistyped, lost or added")
        } else {
            format!(
                "{text:?} has characters a progress code never has (0-9, A-Z without I, L, O, U)"
            )
        }
    })?;
    if b.len() < 3 {
        return Err(format!(
            "{text:?} is too short: part of the code is missing"
        ));
    }
    let (body, crc) = b.split_at(b.len() - 2);
    if crc16(body).to_be_bytes() != crc {
        return Err(format!(
            "{text:?} fails its checksum: a character was mistyped or lost"
        ));
    }
    let mut it = body.iter().copied();
    let mut next = || it.next().ok_or("the code ends early".to_string());
    if next()? != VERSION {
        return Err(format!("{text:?} was made by another version of daxlab"));
    }
    let nc = next()? as usize;
    if nc != challenges.len() {
        return Err(format!(
            "{text:?} records {nc} challenges; this page has {}: it was made by another version of daxlab",
            challenges.len()
        ));
    }
    let mut cs = Vec::new();
    for name in challenges {
        let x = next()?;
        cs.push((name.to_string(), x & 0x80 != 0, x & 0x0f, (x >> 4) & 0x07));
    }
    let ne = next()? as usize;
    if ne != exercises.len() {
        return Err(format!(
            "{text:?} records {ne} exercises; this page has {}: it was made by another version of daxlab",
            exercises.len()
        ));
    }
    let mut mask = Vec::new();
    for _ in 0..ne.div_ceil(8) {
        mask.push(next()?);
    }
    let solved = exercises
        .iter()
        .enumerate()
        .filter(|(i, _)| mask[i / 8] & (1 << (i % 8)) != 0)
        .map(|(_, e)| e.to_string())
        .collect();
    let answered = next()?;
    let right = next()?;
    // Nothing may follow: a character added at the end can make one more byte, and with this
    // CRC (no final XOR) the checksum of the body and the first checksum byte is exactly the
    // second checksum byte and a zero, so the checksum alone would not see it.
    if it.next().is_some() {
        return Err(format!(
            "{text:?} is longer than a code: a character was added"
        ));
    }
    Ok(Summary {
        challenges: cs,
        exercises: solved,
        answered,
        right,
    })
}

fn crc16(data: &[u8]) -> u16 {
    // CRC-16/CCITT-FALSE.
    let mut crc: u16 = 0xffff;
    for &byte in data {
        crc ^= (byte as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                crc << 1 ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn base32(data: &[u8]) -> String {
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &byte in data {
        acc = acc << 8 | byte as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[(acc >> bits & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[(acc << (5 - bits) & 31) as usize] as char);
    }
    out
}

/// The value of one character of a code, read the way a person may have typed it (any case;
/// O for 0, I or L for 1).
fn digit(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|v| v as u32)
}

fn unbase32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits, mut chars) = (0u32, 0u32, 0usize);
    for c in text.chars().filter(|c| !matches!(c, '-' | ' ')) {
        chars += 1;
        let v = digit(c)?;
        acc = (acc << 5 | v) & 0xffff;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    // The bits left over pad the last character with zeros: a character that sets any of them
    // is a typo the checksum (over whole bytes) would not see.
    if acc & ((1 << bits) - 1) != 0 {
        return None;
    }
    // Exactly as many characters as the bytes need: a character added at the end (which can
    // only add zero padding) is a typo too.
    if chars != (out.len() * 8).div_ceil(5) {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CH: [&str; 3] = ["null-deref", "deadlock", "wrong-entry"];
    const EX: [&str; 9] = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];

    fn sample() -> Progress {
        let mut p = Progress::default();
        p.win("null-deref", 10, 0, 0);
        p.hint("deadlock", 2);
        p.win("deadlock", 7, 1, 2);
        p.answer("why-recheck", 0, true);
        p.answer("why-recheck", 1, false);
        p.answer("why-recheck", 1, true);
        p.solve("c");
        p.solve("i");
        p
    }

    #[test]
    fn hints_taken_count_for_good() {
        let mut p = Progress::default();
        p.hint("null-deref", 3);
        assert_eq!(p.hints("null-deref"), 3);
        p.win("null-deref", 4, 0, 3);
        // A replay without hints may raise the points, never lower the hints on record.
        p.win("null-deref", 10, 0, 0);
        assert_eq!(p.hints("null-deref"), 3);
        assert_eq!(p.hints("deadlock"), 0);
    }

    #[test]
    fn storage_round_trips_and_bad_lines_are_named() {
        let p = sample();
        let (q, bad) = Progress::from_storage(&p.to_storage());
        assert_eq!(q, p);
        assert!(bad.is_empty());
        let (_, bad) = Progress::from_storage("daxlab-progress 1\nchallenge x y\nexercise a\n");
        assert_eq!(bad, ["challenge x y"]);
    }

    #[test]
    fn a_peek_is_a_first_answer_not_right_and_says_so() {
        let mut p = sample();
        assert!(p.peek("why-recheck", 2));
        assert_eq!(p.answered("why-recheck", 2), Some(false));
        assert!(p.peeked("why-recheck", 2));
        // Answered not right by choice: no peek. A peek after an answer records nothing.
        assert!(!p.peeked("why-recheck", 1));
        let mut q = p.clone();
        assert!(!q.peek("why-recheck", 0));
        assert_eq!(q, p);
        // The line carries its peeks only when it has some, so older pages read it still; a
        // line from before peeks were recorded reads as answers without peeks.
        let text = p.to_storage();
        assert!(text.contains("predictions why-recheck 7 1 4\n"), "{text}");
        let (old, bad) = Progress::from_storage("daxlab-progress 1\npredictions why-recheck 7 1\n");
        assert!(bad.is_empty());
        assert_eq!(old.answered("why-recheck", 2), Some(false));
        assert!(!old.peeked("why-recheck", 2));
        // Peek bits only on answers recorded not right; a fifth field that is no number is bad.
        let (odd, _) = Progress::from_storage("daxlab-progress 1\npredictions l 3 1 3\n");
        assert!(!odd.peeked("l", 0) && odd.peeked("l", 1));
        let (_, bad) = Progress::from_storage("daxlab-progress 1\npredictions l 3 1 x\n");
        assert_eq!(bad, ["predictions l 3 1 x"]);
        assert!(!p.peeked("why-recheck", 40));
        let (q, bad) = Progress::from_storage(&text);
        assert_eq!((q, bad.len()), (p, 0));
    }

    #[test]
    fn the_first_answer_counts_and_unlocking_follows_wins() {
        let p = sample();
        assert_eq!(p.answered("why-recheck", 1), Some(false));
        assert_eq!(p.answered("why-recheck", 2), None);
        assert_eq!(p.prediction_totals(), (2, 1));
        assert_eq!(p.unlocked(&CH), 2);
        assert_eq!(Progress::default().unlocked(&CH), 0);
    }

    #[test]
    fn a_code_decodes_to_what_was_recorded() {
        let p = sample();
        let code = p.code(&CH, &EX);
        assert!(code.starts_with("DX1-"), "{code}");
        assert!(code.len() < 40, "{code}");
        let s = decode(&code, &CH, &EX).unwrap();
        assert_eq!(s.challenges[0], ("null-deref".into(), true, 10, 0));
        assert_eq!(s.challenges[1], ("deadlock".into(), true, 7, 2));
        assert_eq!(s.challenges[2], ("wrong-entry".into(), false, 0, 0));
        assert_eq!(s.exercises, ["c", "i"]);
        assert_eq!((s.answered, s.right), (2, 1));
        assert_eq!((s.wins(), s.points()), (2, 17));
        // Lower case, O for 0 and no dashes read the same.
        let sloppy = code.to_lowercase().replace('-', "").replace("dx1", "DX1");
        assert_eq!(decode(&sloppy, &CH, &EX), Ok(s));
    }

    #[test]
    fn damaged_codes_say_what_is_wrong() {
        let code = sample().code(&CH, &EX);
        let mut typo = code.clone().into_bytes();
        let k = typo.len() - 3;
        typo[k] = if typo[k] == b'2' { b'3' } else { b'2' };
        let e = decode(core::str::from_utf8(&typo).unwrap(), &CH, &EX).unwrap_err();
        assert!(e.contains("checksum"), "{e}");
        assert!(decode("hello", &CH, &EX).unwrap_err().contains("DX1-"));
        // A character added at the end is refused.
        assert!(decode(&format!("{code}0"), &CH, &EX).is_err());
        assert!(decode(&format!("{code}-0"), &CH, &EX).is_err());
        // Every other last character is refused: its padding bits would have hidden the typo.
        let (head, last) = code.split_at(code.len() - 1);
        for c in ALPHABET.iter().map(|&c| c as char) {
            if c.to_string() != last {
                assert!(
                    decode(&format!("{head}{c}"), &CH, &EX).is_err(),
                    "{head}{c}"
                );
            }
        }
        assert!(
            decode("DX1-U", &CH, &EX)
                .unwrap_err()
                .contains("characters")
        );
        let e = decode(&code, &CH[..2], &EX).unwrap_err();
        assert!(e.contains("another version"), "{e}");
        assert!(decode(&code[..8], &CH, &EX).is_err());
    }
}
