//! daxlab-web: the visualizer. A thin Yew shell over daxlab-core.

fn main() {
    daxlab_web::start();
}
