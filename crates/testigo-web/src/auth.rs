//! Passwords, tokens, sessions, CSRF and login rate limiting.
//!
//! Passwords are hashed with argon2id (RFC 9106's second recommended parameters: 19 MiB,
//! two passes, one lane) and a random 16-byte salt, stored as
//! `argon2id$v=19$m=19456,t=2,p=1$SALT$HASH` with hex fields. Session cookies and API tokens
//! are 32 random bytes in hex; the store keeps only their SHA-256, so a copy of the database
//! does not let anyone log in.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

/// Parameters of new password hashes: memory in KiB, passes, lanes.
const M_COST: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// The shortest password accepted by `testigo user add`.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Hashes a password with argon2id and a fresh random salt.
///
/// # Errors
///
/// When the system's random number generator or argon2 fails.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no random numbers from the system: {e}"))?;
    let hash = argon2_hash(password, &salt, M_COST, T_COST, P_COST)?;
    Ok(format!("argon2id$v=19$m={M_COST},t={T_COST},p={P_COST}${}${}", hex::encode(salt), hex::encode(hash)))
}

/// True when `password` hashes to `stored` (made by [`hash_password`]); false for a wrong
/// password or a malformed hash. Compares in constant time.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let parts: Vec<&str> = stored.split('$').collect();
    let [algorithm, "v=19", params, salt, hash] = parts.as_slice() else {
        return false;
    };
    if *algorithm != "argon2id" {
        return false;
    }
    let mut costs = [0u32; 3];
    for (slot, (key, part)) in costs.iter_mut().zip(["m", "t", "p"].iter().zip(params.split(','))) {
        match part.split_once('=') {
            Some((k, v)) if k == *key => match v.parse() {
                Ok(n) => *slot = n,
                Err(_) => return false,
            },
            _ => return false,
        }
    }
    let (Ok(salt), Ok(expected)) = (hex::decode(salt), hex::decode(hash)) else {
        return false;
    };
    // Refuse absurd costs from a tampered row rather than allocating gigabytes.
    if costs[0] > 1024 * 1024 || costs[1] > 16 || costs[2] > 16 || expected.len() != 32 {
        return false;
    }
    match argon2_hash(password, &salt, costs[0], costs[1], costs[2]) {
        Ok(actual) => constant_time_eq(&actual, &expected),
        Err(_) => false,
    }
}

fn argon2_hash(password: &str, salt: &[u8], m: u32, t: u32, p: u32) -> anyhow::Result<[u8; 32]> {
    let params = Params::new(m, t, p, Some(32)).map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, &mut out)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(out)
}

/// True when `a` and `b` are equal, taking the same time wherever they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new random token: 32 bytes from the system's generator, in hex.
///
/// # Errors
///
/// When the system's random number generator fails.
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no random numbers from the system: {e}"))?;
    Ok(hex::encode(bytes))
}

/// The SHA-256 of a token in hex: what the store keeps instead of the token.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Failed logins one client address may make in the limiter's window (five minutes) before it
/// must wait, whatever names it tries. More than the five per user name, so that colleagues
/// behind one office router are not locked out by each other's typing slips.
pub const ADDRESS_FAILURES: u32 = 20;

/// The most keys a [`RateLimiter`] tracks at once: memory stays bounded under a flood of
/// names or addresses.
pub const LIMITER_CAPACITY: usize = 10_000;

/// Counts failed logins per key (a user name, a client address) in a window that starts at a
/// key's first failure, and refuses further attempts once a key reaches the limit. It tracks
/// at most `capacity` keys: when full, it forgets the keys whose window has passed, and if none
/// has, the key whose window started first.
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    capacity: usize,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl RateLimiter {
    /// At most `limit` failures per key within `window`, tracking at most `capacity` keys
    /// (at least one).
    pub fn new(limit: u32, window: Duration, capacity: usize) -> RateLimiter {
        RateLimiter { limit, window, capacity: capacity.max(1), failures: Mutex::new(HashMap::new()) }
    }

    /// True when `key` may try again now.
    pub fn allowed(&self, key: &str) -> bool {
        let now = Instant::now();
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(key) {
            Some((n, since)) if now.duration_since(*since) < self.window => *n < self.limit,
            _ => true,
        }
    }

    /// Records a failed attempt of `key`.
    pub fn failed(&self, key: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= self.capacity && !map.contains_key(key) {
            map.retain(|_, (_, since)| now.duration_since(*since) < self.window);
            if map.len() >= self.capacity {
                let oldest = map.iter().min_by_key(|(_, (_, since))| *since).map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    map.remove(&k);
                }
            }
        }
        let entry = map.entry(key.to_string()).or_insert((0, now));
        if now.duration_since(entry.1) >= self.window {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    /// Forgets the failures of `key` (after a successful login).
    pub fn succeeded(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }

    /// How many keys it tracks now (never more than its capacity).
    pub fn tracked(&self) -> usize {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// The key under which the failed logins of a client address are counted: an IPv4 address
/// whole (also when written as an IPv4-mapped IPv6 address), an IPv6 address by its /64
/// network, which one subscriber usually holds whole.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_password() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "garbage"));
        assert!(!verify_password("x", "argon2id$v=19$m=999999999,t=2,p=1$00$00"));
        assert_ne!(hash_password("same").unwrap(), hash_password("same").unwrap(), "salted");
    }

    #[test]
    fn the_rate_limiter_refuses_after_the_limit() {
        let r = RateLimiter::new(2, Duration::from_secs(60), 100);
        assert!(r.allowed("ana"));
        r.failed("ana");
        r.failed("ana");
        assert!(!r.allowed("ana"));
        assert!(r.allowed("bob"));
        r.succeeded("ana");
        assert!(r.allowed("ana"));
    }

    #[test]
    fn the_rate_limiter_keeps_at_most_its_capacity() {
        let r = RateLimiter::new(3, Duration::from_secs(60), 50);
        r.failed("first");
        r.failed("first");
        r.failed("first");
        for n in 0..10_000 {
            r.failed(&format!("name-{n}"));
            assert!(r.tracked() <= 50);
        }
        assert_eq!(r.tracked(), 50);
        assert!(r.allowed("first"), "the oldest key was forgotten to make room");
        assert!(r.allowed("name-9999"));
        r.failed("name-9999");
        r.failed("name-9999");
        assert!(!r.allowed("name-9999"), "recent keys are still counted");
    }

    #[test]
    fn addresses_are_keyed_by_ipv4_address_and_ipv6_network() {
        let key = |s: &str| address_key(s.parse().unwrap());
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    }
}
