//! Sizes.
use daxlab_core::world::*;
fn main() {
    println!(
        "World {} Thread {} Locals {} InodeMem {} Entry {} Page {} Waiter {} Frames {} Rcu {}",
        size_of::<World>(),
        size_of::<Thread>(),
        size_of::<Locals>(),
        size_of::<InodeMem>(),
        size_of::<Entry>(),
        size_of::<Page>(),
        size_of::<Waiter>(),
        size_of::<Frames>(),
        size_of::<Rcu>()
    );
}
