//! Rebuild when a migration is added: `sqlx::migrate!` embeds the directory's files, and cargo
//! would otherwise not notice a new one.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
