//! One function's body run in another order: the support for the "put the lines in order"
//! exercise. The listing is the program, so a body order is a change of the layout's successor
//! links (each line's next line) for the lines of one straight-line function, and the listing a
//! student reads shows the same order ([`BodyOrder::arrange`]).
//!
//! Only straight-line bodies can be reordered: every body line must pass control to the next
//! line (a step, a plain text line or a call), so no branch or `goto` can depend on positions.

use crate::code::Code;
use crate::listing::{Flow, Func, Line, ListingLine};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The body lines of one function in the order they run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BodyOrder {
    func: Func,
    // Invariant: a permutation of `body(func, code)` for the code it was made for.
    lines: Vec<Line>,
}

/// Why an order cannot be run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderError {
    /// The function is not part of the code.
    Absent {
        /// The function.
        func: Func,
    },
    /// The function's body has control flow (a branch, `goto`, `return`): positions matter.
    NotStraightLine {
        /// The function.
        func: Func,
        /// The first line that is not straight-line code.
        line: Line,
    },
    /// A thread starts in the function (its first step is placed before any order applies).
    EntryFunction {
        /// The function.
        func: Func,
    },
    /// A line that is not one of the function's body lines under the code.
    NotABodyLine {
        /// The function.
        func: Func,
        /// The line given.
        line: Line,
        /// The body lines accepted.
        body: Vec<Line>,
    },
    /// A body line given twice.
    Repeated {
        /// The line.
        line: Line,
    },
    /// A body line left out.
    Missing {
        /// The line.
        line: Line,
    },
}

fn quoted(lines: &[Line]) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(l.text());
        out.push('"');
    }
    out
}

impl fmt::Display for OrderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrderError::Absent { func } => {
                write!(f, "{}() is not part of this code", func.name())
            }
            OrderError::NotStraightLine { func, line } => write!(
                f,
                "{}() cannot be reordered: \"{}\" is control flow, not straight-line code",
                func.name(),
                line.text()
            ),
            OrderError::EntryFunction { func } => write!(
                f,
                "{}() cannot be reordered: a thread starts in it",
                func.name()
            ),
            OrderError::NotABodyLine { func, line, body } => write!(
                f,
                "\"{}\" is not a body line of {}() under this code; accepted: {}",
                line.text(),
                func.name(),
                quoted(body)
            ),
            OrderError::Repeated { line } => {
                write!(f, "\"{}\" appears more than once", line.text())
            }
            OrderError::Missing { line } => write!(f, "\"{}\" is missing", line.text()),
        }
    }
}

/// The body lines of `func` under `code`, in the kernel's (the table's) order: every line of
/// the function that exists under the code and is not a header or closing line (indent 0).
pub fn body(func: Func, code: Code) -> Vec<Line> {
    Line::all()
        .filter(|l| l.func() == func && l.present_in(code) && l.info().indent > 0)
        .collect()
}

impl BodyOrder {
    /// The order `lines` for `func`'s body under `code`: a permutation of [`body`]. Errors name
    /// the first line that is wrong and what is accepted.
    pub fn new(func: Func, code: Code, lines: &[Line]) -> Result<BodyOrder, OrderError> {
        if !func.exists_in(code) {
            return Err(OrderError::Absent { func });
        }
        let accepted = body(func, code);
        if let Some(&line) = accepted
            .iter()
            .find(|l| !matches!(l.info().flow, Flow::Next | Flow::Call { .. }))
        {
            return Err(OrderError::NotStraightLine { func, line });
        }
        for (i, &line) in lines.iter().enumerate() {
            if !accepted.contains(&line) {
                return Err(OrderError::NotABodyLine {
                    func,
                    line,
                    body: accepted,
                });
            }
            if lines[..i].contains(&line) {
                return Err(OrderError::Repeated { line });
            }
        }
        if let Some(&line) = accepted.iter().find(|l| !lines.contains(l)) {
            return Err(OrderError::Missing { line });
        }
        Ok(BodyOrder {
            func,
            lines: lines.to_vec(),
        })
    }

    /// The function reordered.
    pub fn func(&self) -> Func {
        self.func
    }

    /// The body lines in the order they run.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Whether this is the table's own order.
    pub fn is_kernel_order(&self, code: Code) -> bool {
        self.lines == body(self.func, code)
    }

    /// `listing` (as [`crate::listing::listing`] gives it) with this function's body lines in
    /// this order: the body's places in the listing are filled in the order they run; other
    /// lines (headers, lines a base code has and this code removes) stay where they are.
    pub fn arrange(&self, listing: &[ListingLine]) -> Vec<ListingLine> {
        let mut order = self.lines.iter();
        listing
            .iter()
            .map(|l| {
                if self.lines.contains(&l.line)
                    && let Some(&line) = order.next()
                {
                    let mark = listing
                        .iter()
                        .find(|x| x.line == line)
                        .map_or(l.mark, |x| x.mark);
                    ListingLine { line, mark }
                } else {
                    *l
                }
            })
            .collect()
    }

    /// Relink `layout` so that the body runs in this order: the header passes control to the
    /// first line of the order, each line to the one after it, the last to the closing line.
    pub(crate) fn relink(&self, layout: &mut crate::listing::Layout) {
        let Some(&first) = self.lines.first() else {
            return;
        };
        let present: Vec<Line> = Line::all()
            .filter(|l| l.func() == self.func && layout.here(*l) == Some(*l))
            .collect();
        let head = present.iter().copied().take_while(|l| l.info().indent == 0);
        let closing = present
            .iter()
            .copied()
            .skip_while(|l| l.info().indent == 0)
            .find(|l| l.info().indent == 0);
        for h in head {
            layout.link(h, Some(first));
        }
        for pair in self.lines.windows(2) {
            layout.link(pair[0], Some(pair[1]));
        }
        if let Some(&last) = self.lines.last() {
            layout.link(last, closing);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::listing;
    use crate::variant::Variant;

    #[test]
    fn the_body_of_wait_entry_unlocked_is_its_five_indented_lines() {
        let code = Variant::Fixed.code();
        assert_eq!(
            body(Func::WaitEntryUnlocked, code),
            [
                Line::WeWaitqueue,
                Line::WePrepare,
                Line::WeUnlock,
                Line::WeSchedule,
                Line::WeFinish
            ]
        );
        // Under the first form of 55e56f06ed71, as modelled (its text is not in our sources),
        // the exclusive wait and the wake of the next waiter are there instead.
        let first = Variant::V419y.code().without(crate::Fix::NonExclusiveWait);
        assert!(body(Func::WaitEntryUnlocked, first).contains(&Line::WeWakeNext));
    }

    #[test]
    fn a_wrong_order_is_named_with_what_is_accepted() {
        let code = Variant::Fixed.code();
        let f = Func::WaitEntryUnlocked;
        let e = BodyOrder::new(f, code, &[Line::WeWaitqueue, Line::DlXaLock]).unwrap_err();
        assert!(matches!(e, OrderError::NotABodyLine { .. }));
        let text = alloc::format!("{e}");
        assert!(text.contains("xa_lock_irq(&mapping->i_pages);"), "{text}");
        assert!(
            text.contains("accepted: \"wq = dax_entry_waitqueue"),
            "{text}"
        );
        let e = BodyOrder::new(f, code, &[Line::WePrepare, Line::WePrepare]).unwrap_err();
        assert_eq!(
            e,
            OrderError::Repeated {
                line: Line::WePrepare
            }
        );
        let e = BodyOrder::new(f, code, &[Line::WeWaitqueue, Line::WePrepare]).unwrap_err();
        assert_eq!(
            e,
            OrderError::Missing {
                line: Line::WeUnlock
            }
        );
        // The exclusive prepare line is not part of the fixed code.
        let e = BodyOrder::new(f, code, &[Line::WePrepareExclusive]).unwrap_err();
        assert!(matches!(e, OrderError::NotABodyLine { .. }), "{e:?}");
        // Functions with control flow cannot be reordered; absent ones are named.
        let e = BodyOrder::new(Func::DaxLockMappingEntry, code, &[]).unwrap_err();
        assert!(matches!(e, OrderError::NotStraightLine { .. }), "{e:?}");
        let e = BodyOrder::new(Func::EntryWait, code, &[]).unwrap_err();
        assert_eq!(
            e,
            OrderError::Absent {
                func: Func::EntryWait
            }
        );
    }

    #[test]
    fn the_listing_shows_the_body_in_the_order_it_runs() {
        let code = Variant::Fixed.code();
        let f = Func::WaitEntryUnlocked;
        let swapped = [
            Line::WeWaitqueue,
            Line::WeUnlock,
            Line::WePrepare,
            Line::WeSchedule,
            Line::WeFinish,
        ];
        let order = BodyOrder::new(f, code, &swapped).unwrap();
        assert!(!order.is_kernel_order(code));
        let plain = listing(&[Func::DaxLockMappingEntry, f], code, None);
        let shown: Vec<Line> = order.arrange(&plain).iter().map(|l| l.line).collect();
        let start = shown.iter().position(|l| *l == Line::WeHead).unwrap();
        assert_eq!(shown[start + 1..start + 6], swapped);
        assert_eq!(shown[start + 6], Line::WeEnd);
        // The other function is untouched.
        assert_eq!(
            shown[..start],
            plain[..start].iter().map(|l| l.line).collect::<Vec<_>>()[..]
        );
    }
}
