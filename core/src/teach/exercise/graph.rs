//! Build the object graph: from a `struct page`, follow `page->mapping` (an `address_space`
//! inside a piece of inode memory), `mapping->host` (the inode living there now), its `i_pages`
//! tree, the entry at `page->index` and the pfn that entry maps. Every choice and every answer
//! is read from the [`World`]: the objects it holds, the pointers it stores.

use super::Verdict;
use crate::ids::{Addr, Pfn};
use crate::world::World;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// One pointer of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hop {
    /// `page->mapping`.
    Mapping,
    /// `mapping->host`.
    Host,
    /// `&inode->i_data.i_pages` (`host->i_mapping->i_pages`).
    IPages,
    /// The entry of `i_pages` at `page->index`.
    Entry,
    /// The pfn the entry maps.
    Pfn,
}

impl Hop {
    /// The pointer, as the kernel writes it.
    pub fn pointer(self) -> &'static str {
        match self {
            Hop::Mapping => "page->mapping",
            Hop::Host => "mapping->host",
            Hop::IPages => "host->i_mapping->i_pages",
            Hop::Entry => "the i_pages entry at page->index",
            Hop::Pfn => "the entry's pfn",
        }
    }
}

/// An object of the world a pointer can point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// NULL.
    Null,
    /// The `address_space` inside the inode memory at this address.
    Mapping(Addr),
    /// Inode memory that has been freed.
    Freed(Addr),
    /// Inode `ino` in the memory at `addr` (now, or before the memory was recycled).
    Inode {
        /// The memory.
        addr: Addr,
        /// The inode number.
        ino: u8,
    },
    /// The `i_pages` tree of inode `ino` in the memory at `addr`.
    Tree {
        /// The memory.
        addr: Addr,
        /// The inode number.
        ino: u8,
    },
    /// The entry at `index` in the tree in the memory at `addr`.
    Entry {
        /// The memory.
        addr: Addr,
        /// The entry's index.
        index: u16,
    },
    /// No entry at that index.
    NoEntry,
    /// The `struct page` of a pfn.
    Page(Pfn),
    /// An empty placeholder entry maps no pfn yet.
    NoPfn,
}

/// A short, stable text key for a node (for form values and URLs of the front end).
impl Node {
    /// The key.
    pub fn key(self) -> String {
        match self {
            Node::Null => "null".into(),
            Node::Mapping(a) => format!("mapping-{}", a.0),
            Node::Freed(a) => format!("freed-{}", a.0),
            Node::Inode { addr, ino } => format!("inode-{}-{ino}", addr.0),
            Node::Tree { addr, ino } => format!("tree-{}-{ino}", addr.0),
            Node::Entry { addr, index } => format!("entry-{}-{index}", addr.0),
            Node::NoEntry => "no-entry".into(),
            Node::Page(p) => format!("page-{}", p.0),
            Node::NoPfn => "no-pfn".into(),
        }
    }
}

/// What a node is, in words, in world `w`.
pub fn label(w: &World, node: Node) -> String {
    match node {
        Node::Null => "NULL".into(),
        Node::Mapping(a) => format!("the address_space at {a}"),
        Node::Freed(a) => format!(
            "freed memory at {a} (it held inode #{})",
            w.inodes.get(a.0 as usize).map_or(0, |m| m.ino)
        ),
        Node::Inode { ino, .. } => format!("inode #{ino}"),
        Node::Tree { ino, .. } => format!("inode #{ino}'s i_pages"),
        Node::Entry { addr, index } => {
            let ino = w.inodes.get(addr.0 as usize).map_or(0, |m| m.ino);
            format!("the entry at index {index} of inode #{ino}'s i_pages")
        }
        Node::NoEntry => "no entry (the lookup returns NULL)".into(),
        Node::Page(p) => format!("the struct page of pfn {}", p.0),
        Node::NoPfn => "no pfn (an empty placeholder entry)".into(),
    }
}

/// One question: which object does this pointer point at?
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The pointer.
    pub hop: Hop,
    /// The objects offered, every one of the world's objects of that type.
    pub choices: Vec<Node>,
    /// What the pointer points at in the world.
    pub answer: Node,
    /// Why, when the student picks something else (besides naming the answer).
    why: String,
}

/// The chain of pointers from one page, as far as it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// The page it starts from.
    pub pfn: Pfn,
    /// The questions, one per pointer followed.
    pub questions: Vec<Question>,
    /// Why the chain stops where it does.
    pub end: String,
}

fn memories(w: &World) -> impl Iterator<Item = Addr> + '_ {
    (0..w.inodes.len()).map(|i| Addr(i as u8))
}

/// The inodes a `mapping->host` could name: each memory's inode now, and the inode it held
/// before it was recycled; freed memory as such.
fn hosts(w: &World) -> Vec<Node> {
    let mut out = Vec::new();
    for a in memories(w) {
        let m = w.inode(a);
        if m.is_freed() {
            out.push(Node::Freed(a));
        } else {
            out.push(Node::Inode {
                addr: a,
                ino: m.ino,
            });
        }
        if let Some(prev) = m.previous_ino {
            out.push(Node::Inode { addr: a, ino: prev });
        }
    }
    out
}

/// The chain of pointers from the page of `pfn` in `w`.
pub fn chain(w: &World, pfn: Pfn) -> Chain {
    let mut questions = Vec::new();
    let Some(page) = w.pages.get(pfn.0 as usize) else {
        return Chain {
            pfn,
            questions,
            end: format!("there is no page of pfn {} in this world", pfn.0),
        };
    };
    let mut mappings = alloc::vec![Node::Null];
    mappings.extend(memories(w).map(Node::Mapping));
    let Some(a) = page.mapping else {
        questions.push(Question {
            hop: Hop::Mapping,
            choices: mappings,
            answer: Node::Null,
            why: String::from(
                "dax_disassociate_entry() set it to NULL when the page's entry was deleted (truncate or eviction)",
            ),
        });
        return Chain {
            pfn,
            questions,
            end: String::from(
                "page->mapping is NULL: the page belongs to no file, and there is nothing more to follow",
            ),
        };
    };
    questions.push(Question {
        hop: Hop::Mapping,
        choices: mappings,
        answer: Node::Mapping(a),
        why: format!(
            "dax_associate_entry() stored it when a fault mapped the page at index {}",
            page.index
        ),
    });
    let mem = w.inode(a);
    let hosts = hosts(w);
    if mem.is_freed() {
        questions.push(Question {
            hop: Hop::Host,
            choices: hosts,
            answer: Node::Freed(a),
            why: String::from("its inode was freed by an RCU callback; the pointer dangles"),
        });
        return Chain {
            pfn,
            questions,
            end: String::from("the memory is freed: reading mapping->host is a use-after-free"),
        };
    }
    let ino = mem.ino;
    questions.push(Question {
        hop: Hop::Host,
        choices: hosts.clone(),
        answer: Node::Inode { addr: a, ino },
        why: match mem.previous_ino {
            Some(prev) => format!(
                "the memory held inode #{prev} before it was recycled for inode #{ino}; an address_space is embedded in its inode, so the host is whoever lives in that memory now"
            ),
            None => String::from("the address_space is embedded in its inode (inode->i_data)"),
        },
    });
    questions.push(Question {
        hop: Hop::IPages,
        choices: hosts
            .iter()
            .filter_map(|h| match *h {
                Node::Inode { addr, ino } => Some(Node::Tree { addr, ino }),
                _ => None,
            })
            .collect(),
        answer: Node::Tree { addr: a, ino },
        why: String::from("i_pages is part of the address_space, inside the same inode memory"),
    });
    let mut entries: Vec<Node> = memories(w)
        .filter(|m| !w.inode(*m).is_freed())
        .flat_map(|m| {
            w.inode(m).entries.iter().map(move |e| Node::Entry {
                addr: m,
                index: e.index,
            })
        })
        .collect();
    entries.push(Node::NoEntry);
    let Some(entry) = mem.lookup(page.index) else {
        questions.push(Question {
            hop: Hop::Entry,
            choices: entries,
            answer: Node::NoEntry,
            why: format!(
                "page->index is {}, and inode #{ino}'s i_pages has no entry there",
                page.index
            ),
        });
        return Chain {
            pfn,
            questions,
            end: String::from("no entry: the lookup returns NULL"),
        };
    };
    questions.push(Question {
        hop: Hop::Entry,
        choices: entries,
        answer: Node::Entry {
            addr: a,
            index: entry.index,
        },
        why: format!("page->index is {}", page.index),
    });
    let mut pages: Vec<Node> = (0..w.pages.len())
        .map(|p| Node::Page(Pfn(p as u8)))
        .collect();
    let answer = if entry.is_empty() {
        pages.push(Node::NoPfn);
        Node::NoPfn
    } else {
        Node::Page(entry.pfn)
    };
    questions.push(Question {
        hop: Hop::Pfn,
        choices: pages,
        answer,
        why: String::from("a DAX entry stores the pfn of the block it maps"),
    });
    let end = if answer == Node::Page(pfn) {
        String::from("back to the page you started from: the chain is consistent")
    } else {
        format!(
            "the entry does not map pfn {}: a thread that followed these pointers from that page would lock another page's entry",
            pfn.0
        )
    };
    Chain {
        pfn,
        questions,
        end,
    }
}

impl Question {
    /// The verdict on `chosen` (None: nothing picked yet) in world `w`.
    pub fn check(&self, w: &World, chosen: Option<Node>) -> Verdict {
        let truth = label(w, self.answer);
        match chosen {
            Some(c) if c == self.answer => Verdict {
                right: true,
                says: format!("Right: {} is {truth}.", self.hop.pointer()),
            },
            Some(c) => Verdict {
                right: false,
                says: format!(
                    "Not {}: {} points at {truth} — {}.",
                    label(w, c),
                    self.hop.pointer(),
                    self.why
                ),
            },
            None => Verdict {
                right: false,
                says: format!("Pick what {} points at.", self.hop.pointer()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teach::exercise::{Task, exercise};
    use crate::{Options, Session, Variant, scenario};

    fn world(name: &str, variant: Variant, schedule: &str) -> World {
        let mut s = Session::new(scenario(name).unwrap().model(Options::new(variant)));
        s.run_text(schedule).unwrap();
        s.world().clone()
    }

    /// The answers, read independently: follow the world's own fields.
    fn follow(w: &World, pfn: Pfn) -> Vec<Node> {
        let page = w.page(pfn);
        let Some(a) = page.mapping else {
            return alloc::vec![Node::Null];
        };
        let mem = w.inode(a);
        let mut out = alloc::vec![
            Node::Mapping(a),
            Node::Inode {
                addr: a,
                ino: mem.ino
            },
            Node::Tree {
                addr: a,
                ino: mem.ino
            }
        ];
        match mem.entries.iter().find(|e| e.covers(page.index)) {
            None => out.push(Node::NoEntry),
            Some(e) => {
                out.push(Node::Entry {
                    addr: a,
                    index: e.index,
                });
                out.push(Node::Page(e.pfn));
            }
        }
        out
    }

    fn answers(c: &Chain) -> Vec<Node> {
        c.questions.iter().map(|q| q.answer).collect()
    }

    #[test]
    fn the_exercise_state_has_a_recycled_inode_and_a_null_page() {
        let e = exercise("object-graph").unwrap();
        let Task::ObjectGraph { pages } = e.task else {
            panic!()
        };
        let w = e.setup.world().unwrap();
        let new = chain(&w, Pfn(pages[0]));
        assert_eq!(answers(&new), follow(&w, Pfn(pages[0])));
        assert_eq!(new.questions.len(), 5);
        // The host question offers the memory's previous inode as well as its present one.
        let host = &new.questions[1];
        assert!(host.choices.len() >= 2, "{:?}", host.choices);
        assert!(
            host.choices
                .iter()
                .any(|c| matches!(c, Node::Inode { ino: 1, .. }))
        );
        assert_eq!(
            host.answer,
            Node::Inode {
                addr: Addr(0),
                ino: 2
            }
        );
        let v = host.check(
            &w,
            Some(Node::Inode {
                addr: Addr(0),
                ino: 1,
            }),
        );
        assert!(!v.right);
        assert!(
            v.says.contains("inode #2") && v.says.contains("recycled"),
            "{}",
            v.says
        );
        assert!(host.check(&w, Some(host.answer)).right);
        // Memory failure's own page lost its mapping on eviction.
        let old = chain(&w, Pfn(pages[1]));
        assert_eq!(answers(&old), [Node::Null]);
        let v = old.questions[0].check(&w, Some(Node::Mapping(Addr(0))));
        assert!(!v.right && v.says.contains("NULL"), "{}", v.says);
    }

    #[test]
    fn answers_follow_the_world_as_it_changes() {
        // Before anything runs, pfn 0 belongs to inode #1 at index 0; pfn 1 to no file.
        let w0 = world("inode-reuse", Variant::Fixed, "");
        assert_eq!(
            answers(&chain(&w0, Pfn(0))),
            [
                Node::Mapping(Addr(0)),
                Node::Inode {
                    addr: Addr(0),
                    ino: 1
                },
                Node::Tree {
                    addr: Addr(0),
                    ino: 1
                },
                Node::Entry {
                    addr: Addr(0),
                    index: 0
                },
                Node::Page(Pfn(0))
            ]
        );
        assert_eq!(answers(&chain(&w0, Pfn(1))), [Node::Null]);
        // Two pages of one file at colliding indices: the entry question depends on page->index.
        let w = world("hash-collision", Variant::Fixed, "fault*5,fault2*5");
        for pfn in [Pfn(0), Pfn(1)] {
            let c = chain(&w, pfn);
            assert_eq!(answers(&c), follow(&w, pfn));
            let entry = &c.questions[3];
            assert_eq!(entry.choices.len(), 3, "two entries and no-entry");
            assert_eq!(c.questions[4].answer, Node::Page(pfn));
        }
        // Truncated: page->mapping is NULL.
        let w = world("null-mapping", Variant::Seed, "trunc*8");
        assert_eq!(answers(&chain(&w, Pfn(0))), [Node::Null]);
        // Freed memory: the chain stops at the host, and says so.
        let w = world(
            "freed-inode",
            Variant::V419,
            "fault*5,mf*14,fault*6,evict*10,rcu*3",
        );
        let mem_freed = w.inodes[0].is_freed();
        assert!(mem_freed);
        // Every page was disassociated on eviction, so the chain is NULL there too.
        assert_eq!(answers(&chain(&w, Pfn(0))), follow(&w, Pfn(0)));
    }

    #[test]
    fn every_choice_is_an_object_of_the_world_and_keys_are_distinct() {
        let e = exercise("object-graph").unwrap();
        let w = e.setup.world().unwrap();
        for pfn in 0..w.pages.len() as u8 {
            for q in chain(&w, Pfn(pfn)).questions {
                assert!(q.choices.contains(&q.answer), "{:?}", q.hop);
                let keys: Vec<String> = q.choices.iter().map(|c| c.key()).collect();
                for (i, k) in keys.iter().enumerate() {
                    assert!(!keys[..i].contains(k), "{k}");
                }
            }
        }
    }
}
