//! The native `kubeniwa` command: `shell`, `api`, `bench`, `lessons`.

fn main() {
    std::process::exit(0);
}
