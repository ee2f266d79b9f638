//! Who may sit where: one join code per seat, generated for each drill, checked in constant
//! time, with failed attempts limited per source address so a code cannot be guessed.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngExt;

/// The seat name a facilitator joins as.
pub const FACILITATOR: &str = "facilitator";

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

/// The seats of a drill and their codes.
pub struct Gate {
    codes: BTreeMap<String, String>,
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

impl Gate {
    /// A fresh code for each seat.
    pub fn new(seats: impl IntoIterator<Item = String>) -> Self {
        let mut rng = rand::rng();
        let codes = seats
            .into_iter()
            .map(|seat| {
                let code: String = (0..CODE_LEN)
                    .map(|i| {
                        // Grouped by five, so it reads like a licence key.
                        let c = ALPHABET[rng.random_range(0..ALPHABET.len())];
                        if i == CODE_LEN / 2 {
                            format!("-{}", char::from(c))
                        } else {
                            char::from(c).to_string()
                        }
                    })
                    .collect();
                (seat, code)
            })
            .collect();
        Gate { codes, failures: Mutex::new(HashMap::new()) }
    }

    /// Each seat and its code, in seat order.
    pub fn codes(&self) -> &BTreeMap<String, String> {
        &self.codes
    }

    /// Whether `code` opens `seat` for a client at `from`. The comparison takes the same
    /// time whatever the code, and an address that failed too often lately is refused
    /// before its code is looked at.
    pub fn check(&self, from: Option<IpAddr>, seat: &str, code: &str) -> Result<(), Refusal> {
        let now = Instant::now();
        if let Some(ip) = from
            && let Ok(failures) = self.failures.lock()
            && failures
                .get(&ip)
                .is_some_and(|(n, since)| *n >= MAX_FAILURES && now - *since < WINDOW)
        {
            return Err(Refusal::RateLimited);
        }
        // An unknown seat is compared against a code of the same length, so its refusal
        // takes as long as a wrong code's.
        let expected = self.codes.get(seat).map_or("x".repeat(CODE_LEN + 1), Clone::clone);
        let right = constant_time_eq(expected.as_bytes(), code.trim().as_bytes())
            && self.codes.contains_key(seat);
        if right {
            return Ok(());
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

    #[test]
    fn each_seat_opens_with_its_own_code_only() {
        let g = gate();
        let it = g.codes()["it"].clone();
        let sec = g.codes()["security"].clone();
        assert_ne!(it, sec);
        assert_eq!(it.len(), CODE_LEN + 1);
        assert_eq!(g.check(None, "it", &it), Ok(()));
        assert_eq!(g.check(None, "security", &it), Err(Refusal::Wrong));
        assert_eq!(g.check(None, "nobody", &it), Err(Refusal::Wrong));
        assert_eq!(g.check(None, "it", ""), Err(Refusal::Wrong));
    }

    #[test]
    fn an_address_that_keeps_guessing_is_refused_even_the_right_code() {
        let g = gate();
        let it = g.codes()["it"].clone();
        let guesser: IpAddr = [10, 0, 0, 9].into();
        for _ in 0..MAX_FAILURES {
            assert_eq!(g.check(Some(guesser), "it", "wrong-guess"), Err(Refusal::Wrong));
        }
        assert_eq!(g.check(Some(guesser), "it", &it), Err(Refusal::RateLimited));
        // Someone else in the room is not locked out by the guesser.
        assert_eq!(g.check(Some([10, 0, 0, 7].into()), "it", &it), Ok(()));
    }
}
