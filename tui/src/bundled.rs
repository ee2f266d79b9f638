//! The scenarios shipped inside the binary, so `tabletop` works from any directory.

/// One bundled scenario: its file name and text.
pub struct Bundled {
    /// File name in `scenarios/` (`ransomware.ron`).
    pub file: &'static str,
    /// The RON text.
    pub text: &'static str,
}

/// Every bundled scenario.
pub const SCENARIOS: &[Bundled] = &[
    Bundled { file: "ransomware.ron", text: include_str!("../../scenarios/ransomware.ron") },
    Bundled { file: "bec.ron", text: include_str!("../../scenarios/bec.ron") },
    Bundled { file: "cloud-leak.ron", text: include_str!("../../scenarios/cloud-leak.ron") },
    Bundled { file: "insider.ron", text: include_str!("../../scenarios/insider.ron") },
    Bundled { file: "supply-chain.ron", text: include_str!("../../scenarios/supply-chain.ron") },
    Bundled { file: "dc-power.ron", text: include_str!("../../scenarios/dc-power.ron") },
    Bundled { file: "region-outage.ron", text: include_str!("../../scenarios/region-outage.ron") },
];

/// The bundled scenario called `name` (with or without `.ron`).
pub fn find(name: &str) -> Option<&'static Bundled> {
    let stem = name.strip_suffix(".ron").unwrap_or(name);
    SCENARIOS.iter().find(|b| b.file.strip_suffix(".ron") == Some(stem))
}

/// The bundled scenarios as launcher offers (each checked; a broken one is left out, and
/// the test suite keeps them all clean).
pub fn offers() -> Vec<crate::app::Offer> {
    SCENARIOS
        .iter()
        .filter_map(|b| {
            let checked = tabletop_engine::scenario::check_bytes(b.file, b.text.as_bytes());
            checked.scenario.map(|s| crate::app::Offer {
                file: b.file.to_owned(),
                text: b.text.to_owned(),
                scenario: std::sync::Arc::new(s),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_scenario_in_the_repo_is_bundled_and_checks_clean() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("scenarios/")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|f| f.ends_with(".ron"))
            .collect();
        files.sort();
        let mut bundled: Vec<String> = super::SCENARIOS.iter().map(|b| b.file.to_owned()).collect();
        bundled.sort();
        assert_eq!(bundled, files, "add new scenarios to SCENARIOS so the launcher offers them");
        assert_eq!(super::offers().len(), files.len(), "every bundled scenario checks clean");
    }
}
