//! The scenarios shipped inside the binary, so `tabletop` works from any directory.

/// One bundled scenario: its file name and text.
pub struct Bundled {
    /// File name in `scenarios/` (`ransomware.ron`).
    pub file: &'static str,
    /// The RON text.
    pub text: &'static str,
}

/// Every bundled scenario.
pub const SCENARIOS: &[Bundled] =
    &[Bundled { file: "ransomware.ron", text: include_str!("../../scenarios/ransomware.ron") }];

/// The bundled scenario called `name` (with or without `.ron`).
pub fn find(name: &str) -> Option<&'static Bundled> {
    let stem = name.strip_suffix(".ron").unwrap_or(name);
    SCENARIOS.iter().find(|b| b.file.strip_suffix(".ron") == Some(stem))
}
