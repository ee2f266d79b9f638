//! The server's SSH host key: generated on first use and kept in the user's data
//! directory, so participants' clients recognise the server from one drill to the next, and
//! shown by its fingerprint so they can check it before typing their code.

use std::path::{Path, PathBuf};

use russh::keys::ssh_key::LineEnding;
use russh::keys::{Algorithm, HashAlg, PrivateKey};

/// Where the host key lives unless `--host-key` says otherwise:
/// `$XDG_DATA_HOME/tabletop/ssh_host_ed25519_key`, else `~/.local/share/tabletop/…`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("tabletop").join("ssh_host_ed25519_key"))
}

/// Reads the host key at `path`, or generates an Ed25519 key there (readable by the owner
/// only) if there is none yet.
pub fn load_or_create(path: &Path) -> Result<PrivateKey, String> {
    if path.exists() {
        return PrivateKey::read_openssh_file(path)
            .map_err(|e| format!("cannot read the host key {}: {e}", path.display()));
    }
    let key = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)
        .map_err(|e| format!("cannot generate a host key: {e}"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {} for the host key: {e}", dir.display()))?;
    }
    // ssh-key writes private keys with mode 0600.
    key.write_openssh_file(path, LineEnding::LF)
        .map_err(|e| format!("cannot write the host key {}: {e}", path.display()))?;
    Ok(key)
}

/// The fingerprint OpenSSH shows for this key (`SHA256:…`).
pub fn fingerprint(key: &PrivateKey) -> String {
    key.public_key().fingerprint(HashAlg::Sha256).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("tabletop-hostkey-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sub").join("key");
        let first = load_or_create(&path).expect("generated");
        let again = load_or_create(&path).expect("read back");
        assert_eq!(fingerprint(&first), fingerprint(&again));
        assert!(fingerprint(&first).starts_with("SHA256:"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
