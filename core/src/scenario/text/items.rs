//! The grammar's items, one parser each: `pages=`, `buckets=`, `init=`, and each thread of
//! `threads=` with its name. Each error names its parameter, its item and what is accepted.

use super::{
    INDEX_ACCEPTED, MAX_NAME_LEN, MAX_SPEC_PAGES, Path, SpecError, ThreadText, err, number,
    paths_accepted,
};
use crate::world::MAX_THREADS;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

pub(super) fn parse_pages(text: &str) -> Result<Vec<Option<u16>>, SpecError> {
    let accepted = format!(
        "N (1 to {MAX_SPEC_PAGES} pages, page i at index i), or N:MAP listing from page 0 the file index each page is mapped at or - (not mapped), e.g. 2:0,- or 3:-,5"
    );
    let (count_text, map_text) = match text.split_once(':') {
        Some((c, m)) => (c.trim(), Some(m)),
        None => (text, None),
    };
    let count = number::<u64>(count_text)
        .filter(|n| (1..=MAX_SPEC_PAGES as u64).contains(n))
        .ok_or_else(|| {
            err(
                "pages",
                None,
                count_text,
                format!("the device has 1 to {MAX_SPEC_PAGES} pages in the model (MAX_PAGES)"),
                accepted.clone(),
            )
        })? as usize;
    let Some(map_text) = map_text else {
        return Ok((0..count as u16).map(Some).collect());
    };
    let mut pages = Vec::new();
    for (i, raw) in map_text.split(',').enumerate() {
        let item = raw.trim();
        if pages.len() == count {
            return Err(err(
                "pages",
                Some(i + 1),
                item,
                format!("the map lists more than the {count} pages"),
                accepted,
            ));
        }
        let page = match item {
            "-" => None,
            _ => Some(number::<u16>(item).ok_or_else(|| {
                err(
                    "pages",
                    Some(i + 1),
                    item,
                    "not a file index or -",
                    format!("{INDEX_ACCEPTED}, or - for a page not mapped"),
                )
            })?),
        };
        if let Some(index) = page
            && let Some(other) = pages.iter().position(|p| *p == Some(index))
        {
            return Err(err(
                "pages",
                Some(i + 1),
                item,
                format!("page {other} is already mapped at index {index}"),
                "each file index at most once",
            ));
        }
        pages.push(page);
    }
    pages.resize(count, None);
    Ok(pages)
}

pub(super) fn parse_buckets(text: &str) -> Result<u8, SpecError> {
    number::<u64>(text)
        .filter(|n| n.is_power_of_two() && (2..=64).contains(n))
        .map(|n| n.trailing_zeros() as u8)
        .ok_or_else(|| {
            err(
                "buckets",
                None,
                text,
                "the wait table has a power-of-two number of buckets, 2 to 64 in the model",
                "2, 4, 8 (the default), 16, 32, 64",
            )
        })
}

pub(super) fn parse_init(text: &str) -> Result<(bool, bool), SpecError> {
    let (mut devdax, mut reused) = (false, false);
    if text.trim().is_empty() {
        return Ok((devdax, reused));
    }
    for (i, raw) in text.split(',').enumerate() {
        match raw.trim() {
            flag @ ("devdax" | "reused") => {
                let set = if flag == "devdax" {
                    &mut devdax
                } else {
                    &mut reused
                };
                if *set {
                    return Err(err(
                        "init",
                        Some(i + 1),
                        flag,
                        "given twice",
                        "each flag once: devdax, reused",
                    ));
                }
                *set = true;
            }
            other => {
                return Err(err(
                    "init",
                    Some(i + 1),
                    other,
                    "not an initial-state flag",
                    "devdax (the file is a device-dax character device), reused (the inode's memory held another inode before)",
                ));
            }
        }
    }
    Ok((devdax, reused))
}

pub(super) fn parse_name(item: usize, text: &str) -> Result<String, SpecError> {
    let ok = !text.is_empty()
        && text.len() <= MAX_NAME_LEN
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(text.to_string())
    } else {
        Err(err(
            "threads",
            Some(item),
            text,
            "not a thread name",
            format!(
                "a letter, then letters, digits, _ or -, at most {MAX_NAME_LEN} in all (e.g. fault:0=writer)"
            ),
        ))
    }
}

pub(super) fn parse_threads(
    text: &str,
    pages: &[Option<u16>],
    devdax: bool,
) -> Result<Vec<ThreadText>, SpecError> {
    let items: Vec<&str> = text.split(',').map(str::trim).collect();
    if items.len() > MAX_THREADS {
        return Err(err(
            "threads",
            None,
            text,
            format!(
                "{} threads are listed and the model holds at most {MAX_THREADS} (MAX_THREADS)",
                items.len()
            ),
            format!("1 to {MAX_THREADS} comma-separated paths"),
        ));
    }
    let mapped_at = |index: u16| pages.iter().position(|p| *p == Some(index));
    let mapped_list = || {
        let l: Vec<String> = pages.iter().flatten().map(|i| i.to_string()).collect();
        if l.is_empty() {
            "none".to_string()
        } else {
            l.join(", ")
        }
    };
    let free_list = || {
        let l: Vec<String> = (0..pages.len())
            .filter(|&p| pages[p].is_none())
            .map(|p| p.to_string())
            .collect();
        if l.is_empty() {
            "none: add a - to pages=".to_string()
        } else {
            l.join(", ")
        }
    };
    let mut list: Vec<ThreadText> = Vec::new();
    for (i, raw) in items.iter().enumerate() {
        let item = i + 1;
        let bad =
            |problem: String, accepted: String| err("threads", Some(item), raw, problem, accepted);
        if raw.is_empty() {
            return Err(bad(
                "the item is empty".into(),
                format!("comma-separated paths: {}", paths_accepted()),
            ));
        }
        let (body, name) = match raw.split_once('=') {
            Some((b, n)) => (b.trim(), Some(parse_name(item, n.trim())?)),
            None => (*raw, None),
        };
        let (word, args) = match body.split_once(':') {
            Some((w, a)) => (w.trim(), Some(a.trim())),
            None => (body, None),
        };
        let path = Path::from_word(word).ok_or_else(|| {
            bad(
                format!(
                    "{} is not a kernel path of the model",
                    crate::quote::shown(word)
                ),
                paths_accepted(),
            )
        })?;
        let (arg_text, pfn_text) = match args.map(|a| a.split_once('@')) {
            None => (None, None),
            Some(None) => (args, None),
            Some(Some((a, p))) => (Some(a.trim()), Some(p.trim())),
        };
        let takes_pfn = matches!(path, Path::Fault | Path::Reuse);
        let takes_arg = !matches!(path, Path::Evict | Path::Unbind | Path::Rcu);
        if (arg_text.is_some() && !takes_arg) || (pfn_text.is_some() && !takes_pfn) {
            return Err(bad(
                format!("{word} does not take that argument"),
                path.usage().into(),
            ));
        }
        let pages_n = pages.len();
        let page_accepted = || format!("a page from 0 to {}", pages_n - 1);
        let arg = match arg_text {
            None => None,
            Some(a) if path == Path::Mf => Some(
                number::<u16>(a)
                    .filter(|&p| (p as usize) < pages_n)
                    .ok_or_else(|| {
                        bad(
                            format!("mf needs a page of the device, which has {pages_n}"),
                            page_accepted(),
                        )
                    })?,
            ),
            Some(a) => Some(number::<u16>(a).ok_or_else(|| {
                bad(
                    format!("{} is not a file index", crate::quote::shown(a)),
                    INDEX_ACCEPTED.into(),
                )
            })?),
        };
        let pfn = match pfn_text {
            None => None,
            Some(p) => Some(
                number::<u8>(p)
                    .filter(|&p| (p as usize) < pages_n)
                    .ok_or_else(|| {
                        bad(
                            format!("@{p} is not a page of the device, which has {pages_n}"),
                            page_accepted(),
                        )
                    })?,
            ),
        };
        if devdax && path.needs_entries() {
            return Err(bad(
                format!(
                    "{word} needs a regular file, and init=devdax makes it a character device without i_pages entries"
                ),
                "mf, unbind, rcu".into(),
            ));
        }
        let index = arg.unwrap_or(0);
        match path {
            Path::Fault => match (pfn, mapped_at(index)) {
                (None, None) => {
                    return Err(bad(
                        format!(
                            "no page is mapped at index {index}; give the free page to fault in with @PFN"
                        ),
                        format!(
                            "fault at a mapped index ({}), or fault:{index}@PFN with a free page ({})",
                            mapped_list(),
                            free_list()
                        ),
                    ));
                }
                (Some(p), at) if at != Some(p as usize) && pages[p as usize].is_some() => {
                    return Err(bad(
                        format!(
                            "page {p} is mapped at index {}",
                            pages[p as usize].unwrap_or(0)
                        ),
                        format!("a free page ({})", free_list()),
                    ));
                }
                (Some(p), Some(at)) if at != p as usize => {
                    return Err(bad(
                        format!("index {index} is mapped by page {at}"),
                        format!("fault:{index} or fault:{index}@{at}"),
                    ));
                }
                _ => {}
            },
            Path::Wb if mapped_at(index).is_none() => {
                return Err(bad(
                    format!("writeback needs an entry, and no page is mapped at index {index}"),
                    format!("a mapped index ({})", mapped_list()),
                ));
            }
            Path::Reuse => match pfn {
                Some(p) if pages[p as usize].is_some() => {
                    return Err(bad(
                        format!("the new file needs a free page, and page {p} is mapped"),
                        format!("a free page ({})", free_list()),
                    ));
                }
                None if !pages.iter().any(Option::is_none) => {
                    return Err(bad(
                        "the new file needs a free page, and every page is mapped".into(),
                        "a - in pages=, e.g. pages=2:0".into(),
                    ));
                }
                _ => {}
            },
            _ => {}
        }
        // One inode, one device, one RCU: each may go only once.
        let once = |p: Path| matches!(p, Path::Evict | Path::Reuse);
        let clash = list.iter().position(|t| {
            (once(t.path) && once(path))
                || (t.path == path && matches!(path, Path::Unbind | Path::Rcu))
        });
        if let Some(j) = clash {
            return Err(bad(
                format!(
                    "item {} already has {}; the model has one inode, one device and one RCU machine",
                    j + 1,
                    list[j].path.word()
                ),
                "at most one of evict and reuse, one unbind, one rcu".into(),
            ));
        }
        list.push(ThreadText {
            path,
            arg,
            pfn,
            name,
        });
    }
    Ok(list)
}
