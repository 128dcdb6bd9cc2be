//! `discord-emulator`: serves the emulator until killed. Filled in by issue 3.
fn main() {
    eprintln!("discord-emulator: not built yet");
    std::process::exit(1);
}
