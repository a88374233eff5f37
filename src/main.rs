mod editors;
mod names;
fn main() {}
