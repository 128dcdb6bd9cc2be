fn main() {
    std::process::exit(linkcord_lib::run());
}
