//! Who may sit where: one join code per seat, and one per seat for observers who watch it
//! read-only (`SEAT-observer`), generated for each drill and checked in constant time, with
//! failed attempts limited per source address so a code cannot be guessed; or a public key
//! listed for the login in `serve --keys FILE`.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngExt;
use russh::keys::PublicKey;

use super::authorized::Keys;

/// The seat name a facilitator joins as.
pub const FACILITATOR: &str = "facilitator";
/// What follows a seat's name in the login of someone who watches it read-only.
pub const OBSERVER: &str = "-observer";

/// Letters of a join code: no 0/o, 1/l/i, which people misread when a code is read aloud
/// or copied from a projector.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Letters per code: 31^10 is about 2^49 codes, against at most [`MAX_FAILURES`] guesses
/// per address per [`WINDOW`].
const CODE_LEN: usize = 10;
/// Failed attempts allowed per source address within [`WINDOW`].
const MAX_FAILURES: u32 = 5;
/// How long failed attempts count against an address.
const WINDOW: Duration = Duration::from_secs(60);

/// Who a login lets in: a seat, to play it or to watch it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    /// The seat.
    pub seat: String,
    /// Read-only: the login was `SEAT-observer`.
    pub observer: bool,
}

/// The seats of a drill, their codes and listed keys.
pub struct Gate {
    /// Seats in the order they are shown.
    seats: Vec<String>,
    /// Every login (seat, `SEAT-observer`) and its code.
    codes: BTreeMap<String, String>,
    keys: Keys,
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

/// Why a join was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many failed attempts from this address lately.
    RateLimited,
    /// No such seat, or the wrong code.
    Wrong,
}

/// A fresh join code.
fn code(rng: &mut impl rand::Rng) -> String {
    (0..CODE_LEN)
        .map(|i| {
            // Grouped by five, so it reads like a licence key.
            let c = ALPHABET[rng.random_range(0..ALPHABET.len())];
            if i == CODE_LEN / 2 {
                format!("-{}", char::from(c))
            } else {
                char::from(c).to_string()
            }
        })
        .collect()
}

impl Gate {
    /// A fresh code for each seat and for watching each seat.
    pub fn new(seats: impl IntoIterator<Item = String>) -> Self {
        let mut rng = rand::rng();
        let seats: Vec<String> = seats.into_iter().collect();
        let mut codes = BTreeMap::new();
        for seat in &seats {
            codes.insert(seat.clone(), code(&mut rng));
        }
        for seat in &seats {
            // A team whose id already reads `X-observer` keeps its own login.
            codes.entry(format!("{seat}{OBSERVER}")).or_insert_with(|| code(&mut rng));
        }
        Gate { seats, codes, keys: Keys::new(), failures: Mutex::new(HashMap::new()) }
    }

    /// Public keys that open logins without a code (`--keys`).
    pub fn with_keys(mut self, keys: Keys) -> Self {
        self.keys = keys;
        self
    }

    /// Every login: each seat, then each seat's observer login.
    pub fn logins(&self) -> Vec<String> {
        let mut out = self.seats.clone();
        out.extend(self.seats.iter().map(|s| format!("{s}{OBSERVER}")));
        out
    }

    /// Each login and its code, seats first, then their observer logins (what
    /// `--print-codes` prints).
    pub fn codes(&self) -> Vec<(String, &str)> {
        self.logins()
            .into_iter()
            .filter_map(|l| {
                let code = self.codes.get(&l)?.as_str();
                Some((l, code))
            })
            .collect()
    }

    /// Each seat with its code and the code to watch it.
    pub fn seat_codes(&self) -> Vec<(&str, &str, &str)> {
        self.seats
            .iter()
            .map(|s| {
                let code = |l: &str| self.codes.get(l).map_or("", String::as_str);
                (s.as_str(), code(s), code(&format!("{s}{OBSERVER}")))
            })
            .collect()
    }

    /// Whether any public keys are listed.
    pub fn has_keys(&self) -> bool {
        !self.keys.is_empty()
    }

    /// The seat a login opens, and whether to watch it.
    pub fn admit(&self, login: &str) -> Option<Admitted> {
        if self.seats.iter().any(|s| s == login) {
            return Some(Admitted { seat: login.to_owned(), observer: false });
        }
        let seat = login.strip_suffix(OBSERVER)?;
        self.seats
            .iter()
            .any(|s| s == seat)
            .then(|| Admitted { seat: seat.to_owned(), observer: true })
    }

    /// Whether `key` is listed for `login`.
    pub fn check_key(&self, login: &str, key: &PublicKey) -> Option<Admitted> {
        let listed = self.keys.get(login)?;
        listed.iter().any(|k| k == key.key_data()).then(|| self.admit(login)).flatten()
    }

    /// Whether `code` opens `login` for a client at `from`. The comparison takes the same
    /// time whatever the code, and an address that failed too often lately is refused
    /// before its code is looked at.
    pub fn check(
        &self,
        from: Option<IpAddr>,
        login: &str,
        code: &str,
    ) -> Result<Admitted, Refusal> {
        let now = Instant::now();
        if let Some(ip) = from
            && let Ok(failures) = self.failures.lock()
            && failures
                .get(&ip)
                .is_some_and(|(n, since)| *n >= MAX_FAILURES && now - *since < WINDOW)
        {
            return Err(Refusal::RateLimited);
        }
        // An unknown login is compared against a code of the same length, so its refusal
        // takes as long as a wrong code's.
        let expected = self.codes.get(login).map_or("x".repeat(CODE_LEN + 1), Clone::clone);
        let right = constant_time_eq(expected.as_bytes(), code.trim().as_bytes())
            && self.codes.contains_key(login);
        if right && let Some(admitted) = self.admit(login) {
            return Ok(admitted);
        }
        if let Some(ip) = from
            && let Ok(mut failures) = self.failures.lock()
        {
            // Addresses whose window has passed are forgotten, so many guessers cannot
            // grow the table without bound.
            failures.retain(|_, (_, since)| now - *since < WINDOW);
            failures.entry(ip).or_insert((0, now)).0 += 1;
        }
        Err(Refusal::Wrong)
    }
}

/// Equality whose time depends only on the lengths, not on where the bytes first differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate() -> Gate {
        Gate::new(["it".to_owned(), "security".to_owned()])
    }

    fn code_of(g: &Gate, login: &str) -> String {
        g.codes().into_iter().find(|(l, _)| l == login).map(|(_, c)| c.to_owned()).expect("code")
    }

    fn player(seat: &str) -> Admitted {
        Admitted { seat: seat.to_owned(), observer: false }
    }

    #[test]
    fn each_seat_opens_with_its_own_code_only() {
        let g = gate();
        let it = code_of(&g, "it");
        let sec = code_of(&g, "security");
        assert_ne!(it, sec);
        assert_eq!(it.len(), CODE_LEN + 1);
        assert_eq!(g.check(None, "it", &it), Ok(player("it")));
        assert_eq!(g.check(None, "security", &it), Err(Refusal::Wrong));
        assert_eq!(g.check(None, "nobody", &it), Err(Refusal::Wrong));
        assert_eq!(g.check(None, "it", ""), Err(Refusal::Wrong));
    }

    #[test]
    fn watching_a_seat_takes_its_own_code_and_is_read_only() {
        let g = gate();
        let watch = code_of(&g, "security-observer");
        let play = code_of(&g, "security");
        let observer = Admitted { seat: "security".into(), observer: true };
        assert_eq!(g.check(None, "security-observer", &watch), Ok(observer));
        // Neither code opens the other door.
        assert_eq!(g.check(None, "security-observer", &play), Err(Refusal::Wrong));
        assert_eq!(g.check(None, "security", &watch), Err(Refusal::Wrong));
        assert_eq!(g.admit("nobody-observer"), None);
        let logins: Vec<String> = g.codes().into_iter().map(|(l, _)| l).collect();
        assert_eq!(logins, ["it", "security", "it-observer", "security-observer"]);
    }

    #[test]
    fn a_listed_key_opens_its_login_only() {
        let text = "security ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ5cAMqem2WoKFFCToqg8PB0vK0HBUAPBsJZpbNwQBGK x";
        let g = gate();
        let keys =
            super::super::authorized::parse("k", text.as_bytes(), &g.logins()).expect("keys");
        let g = g.with_keys(keys);
        let key = PublicKey::from_openssh(text.split_once(' ').expect("key").1).expect("key");
        assert_eq!(g.check_key("security", &key), Some(player("security")));
        assert_eq!(g.check_key("it", &key), None);
        assert_eq!(g.check_key("security-observer", &key), None);
    }

    #[test]
    fn an_address_that_keeps_guessing_is_refused_even_the_right_code() {
        let g = gate();
        let it = code_of(&g, "it");
        let guesser: IpAddr = [10, 0, 0, 9].into();
        for _ in 0..MAX_FAILURES {
            assert_eq!(g.check(Some(guesser), "it", "wrong-guess"), Err(Refusal::Wrong));
        }
        assert_eq!(g.check(Some(guesser), "it", &it), Err(Refusal::RateLimited));
        // Someone else in the room is not locked out by the guesser.
        assert_eq!(g.check(Some([10, 0, 0, 7].into()), "it", &it), Ok(player("it")));
    }
}
