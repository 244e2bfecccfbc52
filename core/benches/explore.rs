//! Explorer throughput: `cargo bench -p daxlab-core --bench explore`.
//!
//! Each benchmark searches one scenario's whole state space under `fixed` (where nothing stops
//! the search early); divan prints the time and, as the item rate, distinct states per second.

use daxlab_core::explore::{Config, explore};
use daxlab_core::scenario::{Scale, scaled};
use daxlab_core::{Options, SCENARIOS, Variant, scenario};
use divan::Bencher;
use divan::counter::ItemsCount;

fn main() {
    divan::main();
}

#[divan::bench(args = SCENARIOS.iter().map(|s| s.name), sample_count = 10)]
fn built_in(bencher: Bencher, name: &str) {
    let model = scenario(name).unwrap().model(Options::new(Variant::Fixed));
    let states = explore(&model, Config::default()).states;
    bencher
        .counter(ItemsCount::new(states as usize))
        .bench(|| explore(&model, Config::default()));
}

#[divan::bench(args = [(1, 1), (2, 2), (2, 3)], sample_count = 5)]
fn freed_inode_scaled(bencher: Bencher, (threads, pages): (u8, u8)) {
    let model = scaled(Scale { threads, pages }, Options::new(Variant::Fixed)).unwrap();
    let states = explore(&model, Config::default()).states;
    bencher
        .counter(ItemsCount::new(states as usize))
        .bench(|| explore(&model, Config::default()));
}
