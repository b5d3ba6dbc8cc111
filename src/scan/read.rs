//! Reading one file, bounded, and deciding whether it is text.
//!
//! Text with a stray invalid byte or NUL is still text: content rules read
//! it lossily, so one planted byte cannot blind them. Only files that are
//! binary by name, or by a NUL early in a file whose name does not say it is
//! text, are passed over — as git and GitHub do.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Files larger than this are reported as skipped, not read: bounded memory
/// whatever a repository holds. The largest real lockfiles are a few tens of
/// megabytes.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// How far into a file a NUL makes it binary (git looks as far).
const SNIFF_BYTES: usize = 8000;

pub enum Outcome {
    Text(String),
    /// Not valid UTF-8: made valid with U+FFFD; `first_bad` is the offset
    /// of the first replacement.
    Lossy {
        text: String,
        first_bad: usize,
    },
    Binary,
    TooLarge(u64),
    Unreadable(String),
}

/// Extensions of formats that are never text.
const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "tif", "tiff", "psd", "pdf", "zip",
    "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "jar", "war", "ear", "class", "so", "dylib",
    "dll", "exe", "o", "a", "lib", "obj", "bin", "wasm", "woff", "woff2", "ttf", "otf", "eot",
    "mp3", "mp4", "m4a", "avi", "mov", "mkv", "webm", "wav", "flac", "ogg", "pyc", "pyo", "whl",
    "egg", "db", "sqlite", "sqlite3", "parquet", "avro", "npy", "npz", "pkl", "onnx", "pb",
    "tflite", "xlsx", "docx", "pptx", "odt", "ods", "der", "p12", "pfx", "jks", "keystore", "deb",
    "rpm", "dmg", "iso", "img", "qcow2",
];

/// Extensions that say "text" even with a NUL inside.
const TEXT_EXTENSIONS: &[&str] = &[
    "txt",
    "md",
    "rst",
    "yml",
    "yaml",
    "json",
    "toml",
    "ini",
    "cfg",
    "conf",
    "env",
    "properties",
    "xml",
    "html",
    "htm",
    "js",
    "mjs",
    "cjs",
    "ts",
    "tsx",
    "jsx",
    "py",
    "rb",
    "go",
    "rs",
    "java",
    "kt",
    "scala",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cs",
    "php",
    "sh",
    "bash",
    "zsh",
    "ps1",
    "sql",
    "tf",
    "hcl",
    "gradle",
    "lock",
    "csv",
    "pem",
    "key",
    "crt",
];

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether a file is binary by its name alone (no need to open it).
pub fn binary_by_name(path: &Path) -> bool {
    BINARY_EXTENSIONS.contains(&extension(path).as_str())
}

/// Reads at most [`MAX_FILE_BYTES`] (the size is checked on the open handle
/// and enforced while reading, so a file growing underneath cannot bypass
/// it). `sniff` allows answering [`Outcome::Binary`] (for files of no known
/// kind).
pub fn read(path: &Path, sniff: bool) -> Outcome {
    if sniff && binary_by_name(path) {
        return Outcome::Binary;
    }
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return Outcome::Unreadable(reason(&e)),
    };
    let size = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return Outcome::Unreadable(reason(&e)),
    };
    let text_by_name = TEXT_EXTENSIONS.contains(&extension(path).as_str());
    if size > MAX_FILE_BYTES {
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        return match file.take(SNIFF_BYTES as u64).read_to_end(&mut head) {
            Ok(_) if sniff && !text_by_name && head.contains(&0) => Outcome::Binary,
            Ok(_) => Outcome::TooLarge(size),
            Err(e) => Outcome::Unreadable(reason(&e)),
        };
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    if let Err(e) = file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        return Outcome::Unreadable(reason(&e));
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Outcome::TooLarge(bytes.len() as u64);
    }
    if sniff && !text_by_name && bytes.iter().take(SNIFF_BYTES).any(|&b| b == 0) {
        return Outcome::Binary;
    }
    // A UTF-8 byte-order mark is not part of the content.
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Outcome::Text(text),
        Err(e) => {
            let first_bad = e.utf8_error().valid_up_to();
            Outcome::Lossy {
                text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                first_bad,
            }
        }
    }
}

fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::NotFound => "it vanished during the scan".to_owned(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("pscf-read-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(name);
        let _ = std::fs::write(&path, bytes);
        path
    }

    #[test]
    fn stray_bytes_do_not_make_text_binary() {
        let nul_env = file("a.env", b"TOKEN=x\0\nKEY=y\n");
        assert!(matches!(read(&nul_env, true), Outcome::Text(t) if t.contains("KEY=y")));
        let bad = file("b.cfg", b"x = 1\n\xff\xfekey = 2\n");
        match read(&bad, true) {
            Outcome::Lossy { text, first_bad } => {
                assert_eq!(first_bad, 6);
                assert!(text.contains("key = 2"));
            }
            _ => panic!("expected lossy text"),
        }
        let blob = file("c.dat", b"\0\x01\x02binary");
        assert!(matches!(read(&blob, true), Outcome::Binary));
        // A file of a known kind is never passed over as binary.
        assert!(matches!(read(&blob, false), Outcome::Text(_)));
        assert!(matches!(
            read(&file("d.png", b"text"), true),
            Outcome::Binary
        ));
        assert!(matches!(
            read(&std::env::temp_dir().join("pscf-no-such-file"), true),
            Outcome::Unreadable(_)
        ));
    }
}
