//! `linkcord`: the command line, and the way to open the app (see the library's docs).
fn main() {
    std::process::exit(linkcord_lib::run_command_line());
}
