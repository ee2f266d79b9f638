//! The scenarios shipped inside the binary, so `tabletop` works from any directory.

/// One bundled scenario: its file name, its text and its reference playbook's text.
pub struct Bundled {
    /// File name in `scenarios/` (`ransomware.ron`).
    pub file: &'static str,
    /// The RON text.
    pub text: &'static str,
    /// The reference playbook (`scenarios/playbooks/<file>`).
    pub playbook: &'static str,
}

/// A bundled scenario and its reference playbook, by file name.
macro_rules! bundled {
    ($file:literal) => {
        Bundled {
            file: $file,
            text: include_str!(concat!("../../scenarios/", $file)),
            playbook: include_str!(concat!("../../scenarios/playbooks/", $file)),
        }
    };
}

/// Every bundled scenario.
pub const SCENARIOS: &[Bundled] = &[
    bundled!("ransomware.ron"),
    bundled!("bec.ron"),
    bundled!("cloud-leak.ron"),
    bundled!("insider.ron"),
    bundled!("supply-chain.ron"),
    bundled!("dc-power.ron"),
    bundled!("region-outage.ron"),
    bundled!("wiper-dr.ron"),
    bundled!("msp-rmm.ron"),
];

/// The bundled scenario called `name` (with or without `.ron`).
pub fn find(name: &str) -> Option<&'static Bundled> {
    let stem = name.strip_suffix(".ron").unwrap_or(name);
    SCENARIOS.iter().find(|b| b.file.strip_suffix(".ron") == Some(stem))
}

/// The bundled scenario whose reference playbook `name` names: the scenario's name, or the
/// playbook's path in the source tree (`scenarios/playbooks/ransomware.ron`).
pub fn find_playbook(name: &str) -> Option<&'static Bundled> {
    let name = name.strip_prefix("scenarios/").unwrap_or(name);
    find(name.strip_prefix("playbooks/").unwrap_or(name))
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
