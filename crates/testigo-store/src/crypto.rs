//! Encryption at rest: the key file, and sealing values with XChaCha20-Poly1305.
//!
//! **What is encrypted.** With a key, the store encrypts the personal data of every incident:
//! the JSON record of every incident version and observation (it holds the victims' ages,
//! the quoted claims and who made them, the perpetrators as the text names them, the evidence
//! spans) and the text, speaker and value of every claim. Documents ingested as *sensitive*
//! (testimonies, intake forms) are encrypted whole: their original bytes, file name, title,
//! publisher, URL, extracted text and metadata provenance; so is every later copy of the same
//! bytes. A published article stays as published. Analysts' reasons (merge, split, revise)
//! are sealed in versions, links and audit entries. The columns used to filter and link
//! incidents (dates, event type, place names and coordinates from the gazetteer, counts,
//! categories) stay in plain text, and so do digests and the reasons testigo writes itself,
//! which hold no personal data.
//!
//! **Formats.** A key file is the text `testigo key v1\n` followed by the 32-byte key as 64
//! lower-case hex digits and a newline. A key's id is the first 16 hex digits of the SHA-256
//! of `testigo key id\0` and the key. A sealed value is the envelope `TGK1` (4 bytes), the
//! key id (8 bytes), a random 24-byte nonce and the XChaCha20-Poly1305 ciphertext with its
//! 16-byte tag, authenticated together with the first 12 bytes. A sealed text column holds
//! `tgk1:` and the envelope in hex; a sealed original holds the envelope as a blob.
//!
//! **Digests.** The SHA-256 of an original, the subject and the reason of each audit entry
//! and the source key are computed over the plaintext, so that `sha256sum` of the file agrees with the store and
//! key rotation changes no digest; `verify` decrypts to check them.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::{Result, StoreError};

/// The first line of a key file.
const KEY_FILE_HEADER: &str = "testigo key v1";
/// The magic of a sealed envelope.
const MAGIC: &[u8; 4] = b"TGK1";
/// The prefix of a sealed text column.
pub(crate) const TEXT_PREFIX: &str = "tgk1:";
const ID_BYTES: usize = 8;
const NONCE_BYTES: usize = 24;
const HEADER_BYTES: usize = MAGIC.len() + ID_BYTES;

/// An encryption key for a testigo database, read from or written to its key file.
///
/// The key never enters the database; the database records only its id, so that a wrong key
/// is recognised before anything is decrypted. `Debug` shows the id and path, never the key.
#[derive(Clone)]
pub struct StoreKey {
    key: [u8; 32],
    id: String,
    path: PathBuf,
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreKey").field("id", &self.id).field("path", &self.path).finish_non_exhaustive()
    }
}

impl StoreKey {
    /// Creates a new random key and writes it to a new key file at `path`, readable and
    /// writable by its owner only (mode 0600 on Unix). Creates the parent folder if missing.
    ///
    /// # Errors
    ///
    /// [`StoreError::KeyExists`] when `path` exists (a key file is never overwritten: the
    /// data encrypted under it would be lost), [`StoreError::KeyFile`] when it cannot be
    /// written or random numbers are unavailable.
    pub fn create(path: &Path) -> Result<StoreKey> {
        let key = StoreKey::generate(path)?;
        key.write_new(path)?;
        Ok(key)
    }

    /// A new random key that will live at `path`, not written yet (see [`StoreKey::write_new`]).
    ///
    /// # Errors
    ///
    /// [`StoreError::KeyFile`] when the operating system gives no random numbers.
    pub fn generate(path: &Path) -> Result<StoreKey> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| key_file_error(path, format!("no random numbers: {e}")))?;
        Ok(StoreKey::from_bytes(key, path))
    }

    /// Writes this key to a new file at `path` (mode 0600), never replacing an existing file,
    /// and syncs it to disk.
    ///
    /// # Errors
    ///
    /// [`StoreError::KeyExists`] when `path` exists, [`StoreError::KeyFile`] otherwise.
    pub fn write_new(&self, path: &Path) -> Result<()> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| key_file_error(path, format!("cannot create its folder: {e}")))?;
        }
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                StoreError::KeyExists { path: path.to_path_buf() }
            } else {
                key_file_error(path, format!("cannot create it: {e}"))
            }
        })?;
        let text = format!("{KEY_FILE_HEADER}\n{}\n", hex(&self.key));
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| key_file_error(path, format!("cannot write it: {e}")))
    }

    /// Reads the key file at `path`.
    ///
    /// # Errors
    ///
    /// [`StoreError::KeyFile`] when it cannot be read or is not a testigo key file.
    pub fn load(path: &Path) -> Result<StoreKey> {
        let bytes = std::fs::read(path).map_err(|e| key_file_error(path, format!("cannot read it: {e}")))?;
        let text = std::str::from_utf8(&bytes).map_err(|_| key_file_error(path, "it is not a testigo key file"))?;
        let mut lines = text.lines();
        let (Some(KEY_FILE_HEADER), Some(digits)) = (lines.next(), lines.next()) else {
            return Err(key_file_error(path, "it is not a testigo key file (its first line must be `testigo key v1`)"));
        };
        let decoded = unhex(digits.trim())
            .filter(|k| k.len() == 32)
            .ok_or_else(|| key_file_error(path, "its second line must be the key as 64 hex digits"))?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&decoded);
        Ok(StoreKey::from_bytes(key, path))
    }

    /// The key's id: 16 hex digits, recorded in the database and in every sealed value.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key file's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn from_bytes(key: [u8; 32], path: &Path) -> StoreKey {
        let mut input = b"testigo key id\0".to_vec();
        input.extend_from_slice(&key);
        let id = crate::sqlite::sha256_hex(&input)[..2 * ID_BYTES].to_string();
        StoreKey { key, id, path: path.to_path_buf() }
    }

    fn id_bytes(&self) -> [u8; ID_BYTES] {
        let mut out = [0u8; ID_BYTES];
        if let Some(raw) = unhex(&self.id) {
            out.copy_from_slice(&raw[..ID_BYTES]);
        }
        out
    }

    /// Seals `plaintext` into an envelope.
    pub(crate) fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|e| key_file_error(&self.path, format!("no random numbers: {e}")))?;
        let mut envelope = Vec::with_capacity(HEADER_BYTES + NONCE_BYTES + plaintext.len() + 16);
        envelope.extend_from_slice(MAGIC);
        envelope.extend_from_slice(&self.id_bytes());
        let cipher = XChaCha20Poly1305::new_from_slice(&self.key)
            .map_err(|_| key_file_error(&self.path, "the key is not 32 bytes"))?;
        let sealed = cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: &envelope[..HEADER_BYTES] })
            .map_err(|_| key_file_error(&self.path, "encryption failed (the value is too long)"))?;
        envelope.extend_from_slice(&nonce);
        envelope.extend_from_slice(&sealed);
        Ok(envelope)
    }

    /// Opens an envelope sealed with this key; `what` names the value for messages.
    pub(crate) fn open(&self, envelope: &[u8], what: &str) -> Result<Vec<u8>> {
        if envelope.len() < HEADER_BYTES + NONCE_BYTES + 16 || &envelope[..MAGIC.len()] != MAGIC {
            return Err(StoreError::Decrypt {
                key_path: self.path.clone(),
                what: what.to_string(),
                reason: "it is not a testigo envelope".to_string(),
            });
        }
        let id = hex(&envelope[MAGIC.len()..HEADER_BYTES]);
        if id != self.id {
            return Err(StoreError::WrongKey { key_path: self.path.clone(), expected: id, found: self.id.clone() });
        }
        let nonce: [u8; NONCE_BYTES] = envelope[HEADER_BYTES..HEADER_BYTES + NONCE_BYTES]
            .try_into()
            .map_err(|_| key_file_error(&self.path, "invariant: the nonce is 24 bytes"))?;
        let cipher = XChaCha20Poly1305::new_from_slice(&self.key)
            .map_err(|_| key_file_error(&self.path, "the key is not 32 bytes"))?;
        cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload { msg: &envelope[HEADER_BYTES + NONCE_BYTES..], aad: &envelope[..HEADER_BYTES] },
            )
            .map_err(|_| StoreError::Decrypt {
                key_path: self.path.clone(),
                what: what.to_string(),
                reason: "its authentication tag does not match: the stored value was altered".to_string(),
            })
    }

    /// Seals a text into a text column value (`tgk1:` and the envelope in hex).
    pub(crate) fn seal_text(&self, plaintext: &str) -> Result<String> {
        Ok(format!("{TEXT_PREFIX}{}", hex(&self.seal(plaintext.as_bytes())?)))
    }

    /// Opens a text column value sealed by [`StoreKey::seal_text`].
    pub(crate) fn open_text(&self, sealed: &str, what: &str) -> Result<String> {
        let envelope = sealed.strip_prefix(TEXT_PREFIX).and_then(unhex).ok_or_else(|| StoreError::Decrypt {
            key_path: self.path.clone(),
            what: what.to_string(),
            reason: "it is not a sealed text".to_string(),
        })?;
        String::from_utf8(self.open(&envelope, what)?).map_err(|_| StoreError::Decrypt {
            key_path: self.path.clone(),
            what: what.to_string(),
            reason: "it does not decrypt to UTF-8 text".to_string(),
        })
    }
}

/// The id of the key an envelope (or a sealed text) was sealed with, if it is one.
pub(crate) fn envelope_key_id(value: &[u8]) -> Option<String> {
    let envelope = match value.strip_prefix(TEXT_PREFIX.as_bytes()) {
        Some(hexed) => unhex(std::str::from_utf8(hexed.get(..2 * HEADER_BYTES)?).ok()?)?,
        None => value.get(..HEADER_BYTES)?.to_vec(),
    };
    (envelope.get(..MAGIC.len())? == MAGIC).then(|| hex(&envelope[MAGIC.len()..HEADER_BYTES]))
}

fn key_file_error(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::KeyFile { path: path.to_path_buf(), reason: reason.into() }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    text.as_bytes().chunks(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_with_their_key_only() {
        let dir = tempfile::tempdir().expect("dir");
        let a = StoreKey::create(&dir.path().join("a.key")).expect("key");
        let b = StoreKey::create(&dir.path().join("b.key")).expect("key");
        let sealed = a.seal_text("María López, 15 años").expect("seal");
        assert!(!sealed.contains("María"));
        assert_eq!(envelope_key_id(sealed.as_bytes()).as_deref(), Some(a.id()));
        assert_eq!(a.open_text(&sealed, "x").expect("open"), "María López, 15 años");
        assert!(matches!(b.open_text(&sealed, "x"), Err(StoreError::WrongKey { .. })));
        // One flipped bit of the ciphertext.
        let mut bytes = a.seal(b"secret").expect("seal");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(matches!(a.open(&bytes, "x"), Err(StoreError::Decrypt { .. })));
        // Reloaded from its file, the key is the same.
        let again = StoreKey::load(a.path()).expect("load");
        assert_eq!(again.id(), a.id());
        assert_eq!(again.open_text(&sealed, "x").expect("open"), "María López, 15 años");
    }

    #[test]
    fn a_key_file_is_private_and_never_overwritten() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("sub/k");
        let key = StoreKey::create(&path).expect("key");
        let before = std::fs::read(&path).expect("read");
        assert!(matches!(StoreKey::create(&path), Err(StoreError::KeyExists { .. })));
        assert_eq!(std::fs::read(&path).expect("read"), before);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(dir.path().join("bad"), "hello").expect("write");
        let err = StoreKey::load(&dir.path().join("bad")).expect_err("not a key");
        assert!(err.to_string().contains("bad"), "{err}");
        assert!(format!("{key:?}").contains(key.id()));
    }
}
