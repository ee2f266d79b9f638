//! Finding (and building, once) the `tabletop` binary, and running it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The path of the `tabletop` binary, built from the current sources on first use.
pub fn tabletop() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = option_env!("CARGO").unwrap_or("cargo");
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", "tabletop", "--bin", "tabletop"])
            .current_dir(root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building tabletop failed");
        // The test binary lives in target/<profile>/deps; the tool one level up.
        let exe = std::env::current_exe().expect("test binary path");
        let dir = exe.parent().and_then(Path::parent).expect("target dir");
        dir.join(format!("tabletop{}", std::env::consts::EXE_SUFFIX))
    })
}

/// Runs `tabletop` with arguments from the workspace root, without a terminal and colour.
pub fn run(args: &[&str]) -> Output {
    Command::new(tabletop())
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("tabletop runs")
}

/// Standard output and error as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
