mod app;
mod core;
mod secret;
mod setup;

fn main() {}
